// The pages every reader-experience suite visits: one of each page type of
// the bundled knowledge base. `/zoeken/` joins when the search page exists.
import fs from 'node:fs';
import path from 'node:path';

export function pageTypes(site) {
  const pages = [
    ['home', '/'],
    ['section', '/methoden/'],
    ['method', '/methoden/adviesvangers/'],
    ['sdg', '/sdg/1/'],
    ['sdg-section', '/sdg/'],
    ['niveau', '/niveaus/meso/'],
    ['begrip', '/begrippen/presentie/'],
    ['leerlijn', '/leerlijnen/sociaal-werk-op-alle-niveaus/'],
    ['course-pack', '/leerlijnen/sociaal-werk-op-alle-niveaus/cursusmap/'],
    ['overview', '/overzicht/'],
    ['404', '/bestaat-niet/'],
  ];
  if (fs.existsSync(path.join(site, 'zoeken', 'index.html'))) pages.push(['search', '/zoeken/?q=presentie']);
  return pages;
}
