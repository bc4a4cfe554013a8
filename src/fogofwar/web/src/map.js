// The map: a basemap drawn from packaged outlines (no tiles, no network); incidents placed at a town, site or
// district as clustered markers (hollow and dashed when the place is only the report's dateline town), or as
// counts per grid cell when the server finds too many in view; incidents placed only at a region or a country
// as shading of that region's or country's outline (a proportional circle where no outline is packaged); an
// optional heatmap of the points.
import L from './leaflet-global.js';
import 'leaflet.markercluster';
import 'leaflet.heat';
import { feature } from 'topojson-client';
import { el, token } from './dom.js';
import { dayLabel } from './time.js';

const AMCHARTS = 'Region outlines © <a href="/assets/licenses/amcharts-amcharts5-geodata/LICENSE">amCharts</a>';

// How exactly each kind of place is known, in the analyst's words (the server's `place` values).
export const PLACE_GLOSS = {
  town: 'town or site', district: 'district, or near a town', dateline: 'place from dateline (a guess)',
  region: 'region-level (admin-1 region only)', country: 'country-level (country only)',
  area: 'wider area (a sea, a continent)', none: 'without coordinates',
};

/** A marker's hover label, as text. */
function label(inc) {
  return el('div', { class: 'tip' },
    el('strong', { text: `${inc.plover_type} · ${inc.location_name || inc.country || 'unlocated'}` }),
    el('div', { text: `${dayLabel(inc.event_date)} · ${inc.status} · ${inc.independent_sources} source(s)` }),
    inc.place === 'dateline' ? el('div', { class: 'tip-guess', text: 'place from dateline: a guess, the text names no place' })
      : inc.place === 'district' ? el('div', { class: 'muted', text: 'place: district, or near a town' }) : null,
    inc.summary ? el('div', { class: 'tip-summary', text: inc.summary.slice(0, 160) }) : null);
}

/** The server's compact rows (a list of fields and rows of values) as objects. */
function rowsOf(table) {
  return table.rows.map((row) => Object.fromEntries(table.fields.map((f, i) => [f, row[i]])));
}

/** "ASSAULT 12 · COERCE 3", the largest first. */
function typeLine(types, most = 5) {
  const sorted = Object.entries(types).sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, most).map(([t, n]) => `${t} ${n}`).join(' · ');
  return sorted.length > most ? `${shown} · …` : shown;
}

/** Is [lon, lat] inside a GeoJSON Polygon or MultiPolygon (ray casting, holes counted)? */
function contains(geometry, [x, y]) {
  const inRing = (ring) => {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates]
    : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  return polygons.some((rings) => rings.filter(inRing).length % 2 === 1);
}

/** A copy of an outline whose rings cross the antimeridian (Russia's Chukotka, Fiji) kept on one side of it, so
 * that a shaded outline does not become a band around the world. */
function unwrapped(shape) {
  const ring = (r) => {
    const lons = r.map((p) => p[0]);
    return Math.max(...lons) - Math.min(...lons) > 180 ? r.map(([x, y]) => [x < 0 ? x + 360 : x, y]) : r;
  };
  const g = shape.geometry;
  const coordinates = g.type === 'Polygon' ? g.coordinates.map(ring)
    : g.type === 'MultiPolygon' ? g.coordinates.map((p) => p.map(ring)) : g.coordinates;
  return { ...shape, geometry: { ...g, coordinates } };
}

// The shading's colour ramp: five steps of one hue per layer, from the fewest to the most incidents (log scale).
const SHADE = {
  region: ['#fde0c5', '#facba6', '#f8b58b', '#f59e72', '#eb7f54'],
  country: ['#dbe4f3', '#bccde9', '#9cb5df', '#7b9dd4', '#5a84c8'],
};
const step = (n, max) => (max <= 1 ? 2 : Math.min(4, Math.floor((Math.log(n) / Math.log(max + 1e-9)) * 4.999)));

/** A div icon with an accessible name: Leaflet makes a keyboard marker's icon a button but names it only by `title`. */
const LabelledIcon = L.DivIcon.extend({
  createIcon(old) {
    const div = L.DivIcon.prototype.createIcon.call(this, old);
    div.setAttribute('aria-label', this.options.label);
    return div;
  },
});

/** What a marker's button says to a screen reader: the same as its hover label. */
function markerName(inc) {
  return `${inc.plover_type} · ${inc.location_name || inc.country || 'unlocated'} · ${dayLabel(inc.event_date)} · `
    + `${inc.status} · ${inc.independent_sources} source(s)`;
}

function clusterIcon(cluster) {
  const n = cluster.getChildCount();
  const size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
  return new LabelledIcon({
    html: el('div', {}, el('span', { text: n })),
    className: `marker-cluster marker-cluster-${size}`,
    iconSize: L.point(36, 36),
    label: `${n} incidents here: zoom in`,
  });
}

const DARK = window.matchMedia('(prefers-color-scheme: dark)');
// Canvas layers take no CSS, so the basemap's colours follow the colour scheme here.
const basemapStyle = () => (DARK.matches
  ? { land: { color: '#5b6170', fillColor: '#2a2f3a' }, regions: { color: '#4a5060' } }
  : { land: { color: '#8c8f96', fillColor: '#f4f2ec' }, regions: { color: '#a9adb5' } });

export class IncidentMap {
  constructor(container, { onSelect }) {
    this.onSelect = onSelect;
    this.markers = new Map();
    this.map = L.map(container, { minZoom: 2, maxZoom: 10, zoomSnap: 0.5, worldCopyJump: true, preferCanvas: false });
    this.map.attributionControl.setPrefix(false);
    this.map.setView([49, 31], 5);
    this.map.createPane('land').style.zIndex = 200;
    this.map.createPane('regions').style.zIndex = 250;
    this.map.createPane('shade-countries').style.zIndex = 260;
    this.map.createPane('shade-regions').style.zIndex = 270;
    this.map.createPane('areas').style.zIndex = 380;
    this.shading = L.layerGroup().addTo(this.map);
    this.circles = L.layerGroup().addTo(this.map);
    this.shaded = new Map(); // key → the shaded outline's layer, kept between answers
    this.renderers = {
      countries: L.svg({ pane: 'shade-countries' }), regions: L.svg({ pane: 'shade-regions' }), areas: L.svg({ pane: 'areas' }),
    };
    this.cells = L.layerGroup().addTo(this.map);
    this.heat = null;
    this.heatOn = false;
    this.summary = null;
    this.cluster = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 36, spiderfyOnMaxZoom: true, chunkedLoading: true,
      iconCreateFunction: clusterIcon,
    });
    this.map.addLayer(this.cluster);
    // The header may wrap to another line (a notice appearing); keep the corner where the analyst left it.
    new ResizeObserver(() => this.map.invalidateSize({ pan: false })).observe(container);
    // Leaflet makes each marker a focusable button but acts only on clicks: Enter and Space click it,
    // a cluster as much as an incident.
    container.addEventListener('keydown', (event) => {
      const icon = event.target.closest?.('.leaflet-marker-icon');
      if (!icon || (event.key !== 'Enter' && event.key !== ' ')) return;
      event.preventDefault();
      event.stopPropagation();
      icon.click();
    });
    this.layers = { land: null, regions: [] };
    DARK.addEventListener('change', () => this.restyle());
    this.basemap = this.loadBasemap();
  }

  restyle() {
    const style = basemapStyle();
    this.layers.land?.setStyle(style.land);
    for (const layer of this.layers.regions) layer.setStyle(style.regions);
  }

  /** [lat, lon, zoom] of the map's centre, rounded for a URL. */
  view() {
    const c = this.map.getCenter();
    return [Number(c.lat.toFixed(4)), Number(c.lng.toFixed(4)), this.map.getZoom()];
  }

  setView([lat, lon, zoom]) {
    this.map.setView([lat, lon], zoom, { animate: false });
  }

  /** Call back when the analyst (or code) has moved the map. */
  onMove(callback) {
    this.map.on('moveend', callback);
  }

  /** Focus the incident's marker, or the cluster it is in, or else the map; true if a marker took it. */
  focusMarker(id) {
    const marker = this.markers.get(id);
    const shown = marker && (marker.getElement() || this.cluster.getVisibleParent(marker)?.getElement());
    (shown || this.container()).focus({ preventScroll: true });
    return Boolean(shown);
  }

  async loadBasemap() {
    const world = await fetch('/assets/geo/countries-50m.json').then((r) => r.json());
    const style = basemapStyle();
    const outlines = feature(world, world.objects.countries);
    this.countryFeatures = new Map(outlines.features.filter((f) => f.id).map((f) => [String(f.id), f]));
    this.regionFeatures = [];
    this.layers.land = L.geoJSON(outlines, {
      pane: 'land', renderer: L.canvas({ pane: 'land', padding: 0.5 }), interactive: false,
      attribution: 'Country outlines: Natural Earth (world-atlas)',
      style: { className: 'land', weight: 0.8, fillOpacity: 1, ...style.land },
    }).addTo(this.map);
    const { countries } = await fetch('/assets/geo/regions.json').then((r) => r.json());
    const renderer = L.canvas({ pane: 'regions', padding: 0.5 });
    await Promise.all(countries.map(async (name) => {
      const regions = await fetch(`/assets/geo/regions/${encodeURIComponent(name)}.json`).then((r) => r.json());
      this.regionFeatures.push(...regions.features);
      this.layers.regions.push(L.geoJSON(regions, {
        pane: 'regions', renderer, interactive: false, attribution: AMCHARTS,
        style: { weight: 0.6, dashArray: '3 3', fill: false, ...style.regions },
      }).addTo(this.map));
    }));
    this.container().dataset.basemap = 'ready';
    if (this.summary) this.drawShading(this.summary);
  }

  container() {
    return this.map.getContainer();
  }

  /**
   * Draw what /api/map answered: points as clustered markers, or counts per cell; region- and country-level
   * counts as shading; the heatmap when it is on. `fit`: frame the points. Returns the number of point markers.
   */
  show(summary, { fit = false } = {}) {
    // The same answer again (a pan within what was fetched, a reload of unchanged data): the markers stay as
    // they are, so a marker being clicked or focused is never swapped for a copy.
    const drawn = JSON.stringify([summary.points, summary.cells, summary.regions, summary.countries, summary.areas]);
    if (!fit && drawn === this.drawn) {
      this.summary = summary;
      return this.markers.size;
    }
    this.drawn = drawn;
    this.summary = summary;
    this.cluster.clearLayers();
    this.cells.clearLayers();
    this.markers.clear();
    const layers = [];
    const heat = [];
    const points = summary.points ? rowsOf(summary.points) : [];
    for (const inc of points) {
      const guess = inc.place === 'dateline';
      const icon = new LabelledIcon({
        className: `incident-marker t-${token(inc.plover_type)} s-${token(inc.status)} p-${token(inc.place)}${guess ? ' guess' : ''}`,
        html: el('span', { dataset: { incident: inc.incident_id } }),
        iconSize: [16, 16],
        label: `${markerName(inc)}${guess ? ' · place from dateline (a guess)' : ''}`,
      });
      const marker = L.marker([inc.lat, inc.lon], { icon, keyboard: true, riseOnHover: true });
      marker.bindTooltip(label(inc), { direction: 'top', offset: [0, -8] });
      marker.on('click', () => this.onSelect(inc.incident_id));
      this.markers.set(inc.incident_id, marker);
      layers.push(marker);
      heat.push([inc.lat, inc.lon, 1]);
    }
    const cells = summary.cells ? rowsOf(summary.cells) : [];
    const most = Math.max(1, ...cells.map((c) => c.n));
    for (const cell of cells) {
      this.cells.addLayer(this.cellMarker(cell, summary.cells.size));
      heat.push([cell.lat, cell.lon, Math.log1p(cell.n) / Math.log1p(most)]);
    }
    this.cluster.addLayers(layers);
    this.drawShading(summary);
    this.heatPoints = heat;
    this.drawHeat();
    if (fit) {
      // The points and the regions' centres: a country's shading may be a continent wide, so it is left out.
      const where = L.latLngBounds([...points, ...cells, ...summary.regions].filter((p) => p.lat != null)
        .map((p) => [p.lat, p.lon]));
      if (where.isValid()) this.map.fitBounds(where, { padding: [40, 40], maxZoom: 7, animate: false });
    }
    Object.assign(this.container().dataset, { markers: String(layers.length), cells: String(cells.length) });
    return layers.length;
  }

  /** A grid cell of many incidents: its count, ringed by its types' shares; a click zooms in on it. */
  cellMarker(cell, size) {
    const types = Object.entries(cell.types).sort((a, b) => b[1] - a[1]);
    const px = cell.n < 10 ? 28 : cell.n < 100 ? 34 : cell.n < 1000 ? 40 : 46;
    const ring = el('div', { class: 'cell-ring' }, el('span', { text: cell.n }));
    // The ring's colours are the types' own (style.css's --c per type), each its share of the circle.
    let at = 0;
    const stops = types.map(([t, n]) => {
      const from = at;
      at += (n / cell.n) * 360;
      return `var(--c-${token(t)}) ${from.toFixed(1)}deg ${at.toFixed(1)}deg`;
    });
    ring.style.background = `conic-gradient(${stops.join(', ')})`;
    const guessNote = cell.dateline ? ` (${cell.dateline} placed from the dateline)` : '';
    const icon = new LabelledIcon({
      html: ring, className: 'map-cell', iconSize: L.point(px, px),
      label: `${cell.n} incidents here${guessNote}: ${typeLine(cell.types, 3)}; zoom in`,
    });
    const marker = L.marker([cell.lat, cell.lon], { icon, keyboard: true });
    marker.bindTooltip(el('div', { class: 'tip' }, el('strong', { text: `${cell.n} incidents${guessNote}` }),
      el('div', { text: typeLine(cell.types) }), el('div', { class: 'muted', text: 'click to zoom in' })),
    { direction: 'top', offset: [0, -px / 2] });
    marker.on('click', () => {
      const bounds = L.latLngBounds([cell.y * size, cell.x * size], [(cell.y + 1) * size, (cell.x + 1) * size]);
      this.map.fitBounds(bounds, { maxZoom: Math.min(this.map.getMaxZoom(), this.map.getZoom() + 3) });
    });
    return marker;
  }

  /** Region- and country-level counts as shaded outlines; where no outline is packaged, a shaded circle. */
  drawShading(summary) {
    if (!this.countryFeatures) return; // drawn once the basemap has loaded
    this.circles.clearLayers();
    const wanted = new Set();
    const shaded = { region: 0, country: 0, circles: 0 };
    const regionMost = Math.max(1, ...summary.regions.map((r) => r.n));
    const byRegion = new Map();
    const circles = [];
    for (const r of summary.regions) {
      const shape = this.regionShape(r);
      if (!shape) {
        circles.push({ ...r, kind: 'region', title: `${r.admin1}, ${r.country}` });
        continue;
      }
      const seen = byRegion.get(shape) || { ...r, n: 0, types: {}, names: [] };
      seen.n += r.n;
      seen.names.push(r.admin1);
      for (const [t, n] of Object.entries(r.types)) seen.types[t] = (seen.types[t] || 0) + n;
      byRegion.set(shape, seen);
    }
    const countryMost = Math.max(1, ...summary.countries.map((c) => c.n));
    for (const c of summary.countries) {
      const shape = c.id && this.countryFeatures.get(String(Number(c.id)));
      if (!shape) {
        circles.push({ ...c, kind: 'country', title: c.name || c.country });
        continue;
      }
      const fill = SHADE.country[step(c.n, countryMost)];
      wanted.add(this.shade(`c:${shape.id}`, shape, this.renderers.countries, {
        className: 'shade country-shade', fillColor: fill, color: '#5a84c8', fillOpacity: 0.45,
      }, `${c.name}: ${c.n} country-level incident(s)`, c.types, { country: c.country, n: c.n }));
      shaded.country += 1;
    }
    for (const [shape, r] of byRegion) {
      const fill = SHADE.region[step(r.n, regionMost)];
      wanted.add(this.shade(`r:${shape.properties.id}`, shape, this.renderers.regions, {
        className: 'shade region-shade', fillColor: fill, color: '#c0582c', fillOpacity: 0.7,
      }, `${shape.properties.name}${r.names.some((x) => x !== shape.properties.name) ? ` (${r.names.join(', ')})` : ''}: ${r.n} region-level incident(s)`, r.types,
      { region: shape.properties.id, n: r.n }));
      shaded.region += 1;
    }
    const areaMost = Math.max(1, ...circles.map((c) => c.n), ...summary.areas.map((a) => a.n));
    for (const [key, layer] of this.shaded) {
      if (wanted.has(key)) continue;
      this.shading.removeLayer(layer);
      this.shaded.delete(key);
    }
    for (const a of [...circles, ...summary.areas.map((x) => ({ ...x, kind: 'area', title: x.name }))]) {
      if (a.lat == null || a.lon == null) continue;
      const circle = L.circleMarker([a.lat, a.lon], {
        renderer: this.renderers.areas, radius: 6 + 18 * Math.sqrt(a.n / areaMost), className: `shade area-shade area-${a.kind}`,
        color: a.kind === 'region' ? '#c0582c' : a.kind === 'country' ? '#5a84c8' : '#7a7f8a',
        fillColor: a.kind === 'region' ? SHADE.region[2] : a.kind === 'country' ? SHADE.country[2] : '#c9ccd3',
        fillOpacity: 0.45, weight: 1.5, dashArray: '4 3',
      });
      const what = a.kind === 'area' ? 'incident(s) placed only at this wider area' : `${a.kind}-level incident(s)`;
      circle.bindTooltip(this.shadeTip(`${a.title}: ${a.n} ${what}`, a.types), { sticky: true });
      this.circles.addLayer(circle);
      shaded.circles += 1;
    }
    Object.assign(this.container().dataset, {
      shadedRegions: String(shaded.region), shadedCountries: String(shaded.country), shadedCircles: String(shaded.circles),
    });
  }

  /**
   * The packaged outline of a region: amCharts' ids start with the country's ISO code ("UA-14"); its name is
   * matched first (the gazetteer's "Zaporizhia" is amCharts' "Zaporizhzhya", so a shared start of six letters
   * will do), then the region's point is looked up inside the country's outlines. None: drawn as a circle.
   */
  regionShape(r) {
    const norm = (x) => String(x || '').toLowerCase().normalize('NFD').replace(/[^a-z]/g, '');
    const own = this.regionFeatures.filter((f) => String(f.properties.id || '').startsWith(`${r.country}-`));
    const name = norm(r.admin1);
    const byName = own.find((f) => norm(f.properties.name) === name)
      || (name.length >= 6 && own.find((f) => norm(f.properties.name).slice(0, 6) === name.slice(0, 6)));
    if (byName) return byName;
    return r.lat != null ? own.find((f) => contains(f.geometry, [r.lon, r.lat])) : undefined;
  }

  /**
   * A shaded outline, made once per shape and then only restyled: a country's outline at 1:50m is thousands of
   * points, too many to rebuild at every filter change. Returns its key.
   */
  shade(key, shape, renderer, style, title, types, data) {
    let layer = this.shaded.get(key);
    if (!layer) {
      // The class is set when a path is made (setStyle leaves it), so it goes in at the start.
      layer = L.geoJSON(unwrapped(shape), { renderer, interactive: true, style: { className: style.className } });
      layer.bindTooltip('', { sticky: true });
      this.shaded.set(key, layer);
      this.shading.addLayer(layer);
    }
    layer.setStyle({ weight: 1, opacity: 0.8, ...style });
    layer.setTooltipContent(this.shadeTip(title, types));
    layer.eachLayer((path) => {
      const node = path.getElement?.();
      if (node) Object.assign(node.dataset, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)])));
    });
    return key;
  }

  shadeTip(title, types) {
    return el('div', { class: 'tip' }, el('strong', { text: title }), el('div', { text: typeLine(types) }),
      el('div', { class: 'muted', text: 'placed no closer than this: not drawn as points' }));
  }

  /** Heatmap on or off: it stands in for the points and cells while on. */
  setHeat(on) {
    this.heatOn = on;
    this.drawHeat();
  }

  drawHeat() {
    const on = this.heatOn && this.heatPoints?.length;
    if (on) {
      if (!this.heat) this.heat = L.heatLayer([], { radius: 22, blur: 18, max: 1, maxZoom: 5, minOpacity: 0.3 });
      this.heat.setLatLngs(this.heatPoints);
      if (!this.map.hasLayer(this.heat)) this.heat.addTo(this.map);
    } else if (this.heat && this.map.hasLayer(this.heat)) {
      this.map.removeLayer(this.heat);
    }
    for (const layer of [this.cluster, this.cells]) {
      if (this.heatOn && this.map.hasLayer(layer)) this.map.removeLayer(layer);
      if (!this.heatOn && !this.map.hasLayer(layer)) this.map.addLayer(layer);
    }
    this.container().dataset.heat = String(Boolean(this.heatOn));
  }

  /** The zoom (whole or half steps). */
  zoom() {
    return this.map.getZoom();
  }

  /** Is this WEST,SOUTH,EAST,NORTH box around all of the visible map? */
  covers(box) {
    if (!box) return true;
    const [w, s, e, n] = box.split(',').map(Number);
    const b = this.map.getBounds();
    return b.getWest() >= w && b.getSouth() >= s && b.getEast() <= e && b.getNorth() <= n;
  }

  /** Bring an incident's place into view, near enough that single incidents show. */
  reveal(lat, lon) {
    if (lat == null || lon == null) return;
    this.map.setView([lat, lon], Math.max(this.map.getZoom(), 9));
  }

  /** Mark the selected incident and, when `reveal`, bring its marker into view. */
  select(id, { reveal = true } = {}) {
    for (const [key, marker] of this.markers) {
      marker.getElement()?.classList.toggle('selected', key === id);
    }
    const marker = this.markers.get(id);
    if (!marker) return;
    if (reveal) this.cluster.zoomToShowLayer(marker, () => marker.getElement()?.classList.add('selected'));
  }

  /** WEST,SOUTH,EAST,NORTH of the visible map (grown by `pad`, a share of its size), clamped to the API's ranges. */
  bbox(pad = 0) {
    const b = this.map.getBounds().pad(pad);
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180),
      clamp(b.getNorth(), -90, 90)].map((v) => v.toFixed(4)).join(',');
  }
}
