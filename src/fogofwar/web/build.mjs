// Build the analyst page into dist/: esbuild bundles src/ with the npm packages, and the
// basemap (world-atlas, amCharts region outlines), Swagger UI and every licence are copied
// beside it. Nothing is fetched: everything comes from node_modules, installed by `npm ci`.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const assets = join(dist, 'assets');
// Packages' own folders; some (d3) export no package.json through require.
const pkgDir = (name) => join(here, 'node_modules', name);
const version = (name) => JSON.parse(readFileSync(join(pkgDir(name), 'package.json'), 'utf8')).version;

rmSync(dist, { recursive: true, force: true });
for (const d of ['geo/regions', 'licenses', 'swagger']) mkdirSync(join(assets, d), { recursive: true });

const { metafile } = await esbuild.build({
  metafile: true,
  entryPoints: { app: join(here, 'src/main.js'), docs: join(here, 'src/docs.js') },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  outdir: assets,
  loader: { '.png': 'file', '.svg': 'file' },
  legalComments: 'linked',
  logLevel: 'warning',
});

for (const page of ['index.html', 'docs.html']) copyFileSync(join(here, page), join(dist, page));

// Basemap: country outlines from Natural Earth via world-atlas, region outlines from amCharts.
copyFileSync(join(pkgDir('world-atlas'), 'countries-50m.json'), join(assets, 'geo/countries-50m.json'));
const { countries } = JSON.parse(readFileSync(join(here, 'regions.json'), 'utf8'));
const geodata = pkgDir('@amcharts/amcharts5-geodata');
for (const name of countries) {
  if (!/^[a-zA-Z0-9]+$/.test(name)) throw new Error(`regions.json: bad country name ${name}`);
  copyFileSync(join(geodata, 'json', `${name}Low.json`), join(assets, 'geo/regions', `${name}.json`));
}
writeFileSync(join(assets, 'geo/regions.json'), JSON.stringify({ countries }));

// Swagger UI for /docs, served from here instead of a CDN.
for (const f of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
  copyFileSync(join(pkgDir('swagger-ui-dist'), f), join(assets, 'swagger', f));
}

// Every package whose code or data the build ships: those esbuild bundled, and those copied whole.
const bundled = Object.keys(metafile.inputs)
  .map((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1])
  .filter(Boolean);
const names = [...new Set([...bundled, '@amcharts/amcharts5-geodata', 'world-atlas', 'swagger-ui-dist'])].sort();
const licences = Object.fromEntries(names.map((name) => [name,
  readdirSync(pkgDir(name)).filter((f) => /^(LICEN[CS]E|MIT-LICEN[CS]E|NOTICE|COPYING)/i.test(f))]));
for (const [name, files] of Object.entries(licences)) {
  if (!files.length) throw new Error(`${name} ships no licence file`);
}
const shipped = {};
for (const [name, files] of Object.entries(licences)) {
  // Each package's licence files keep their names and content, in a folder named after the package.
  const folder = join(assets, 'licenses', name.replace('@', '').replace('/', '-'));
  mkdirSync(folder, { recursive: true });
  for (const f of files) copyFileSync(join(pkgDir(name), f), join(folder, f));
  shipped[name] = version(name);
}
const listing = Object.entries(licences).map(([name, files]) =>
  `${name} ${shipped[name]}: ${files.map((f) => `${name.replace('@', '').replace('/', '-')}/${f}`).join(', ')}`);
writeFileSync(join(assets, 'licenses', 'README.txt'),
  `Third-party packages in this page, from the npm registry, and their licence files beside this one.\n\n${listing.join('\n')}\n`);
writeFileSync(join(assets, 'build.json'), JSON.stringify({ packages: shipped, regions: countries }, null, 1));
console.log(`fogofwar web: built ${dist}`);
