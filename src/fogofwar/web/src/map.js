// The map: a basemap drawn from packaged outlines (no tiles, no network) and clustered incident markers.
import L from './leaflet-global.js';
import 'leaflet.markercluster';
import { feature } from 'topojson-client';
import { el, token } from './dom.js';
import { dayLabel } from './time.js';

const AMCHARTS = 'Region outlines © <a href="/assets/licenses/amcharts-amcharts5-geodata/LICENSE">amCharts</a>';

/** A marker's hover label, as text. */
function label(inc) {
  return el('div', { class: 'tip' },
    el('strong', { text: `${inc.plover_type} · ${inc.location_name || inc.country || 'unlocated'}` }),
    el('div', { text: `${dayLabel(inc.event_date)} · ${inc.status} · ${inc.independent_sources} source(s)` }),
    inc.summary ? el('div', { class: 'tip-summary', text: inc.summary.slice(0, 160) }) : null);
}

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
    this.layers.land = L.geoJSON(feature(world, world.objects.countries), {
      pane: 'land', renderer: L.canvas({ pane: 'land', padding: 0.5 }), interactive: false,
      attribution: 'Country outlines: Natural Earth (world-atlas)',
      style: { className: 'land', weight: 0.8, fillOpacity: 1, ...style.land },
    }).addTo(this.map);
    const { countries } = await fetch('/assets/geo/regions.json').then((r) => r.json());
    const renderer = L.canvas({ pane: 'regions', padding: 0.5 });
    await Promise.all(countries.map(async (name) => {
      const regions = await fetch(`/assets/geo/regions/${encodeURIComponent(name)}.json`).then((r) => r.json());
      this.layers.regions.push(L.geoJSON(regions, {
        pane: 'regions', renderer, interactive: false, attribution: AMCHARTS,
        style: { weight: 0.6, dashArray: '3 3', fill: false, ...style.regions },
      }).addTo(this.map));
    }));
    this.container().dataset.basemap = 'ready';
  }

  container() {
    return this.map.getContainer();
  }

  /** Show these incidents (those with coordinates) as clustered markers. */
  show(incidents, { fit = false } = {}) {
    this.cluster.clearLayers();
    this.markers.clear();
    const layers = [];
    for (const inc of incidents) {
      if (inc.lat == null || inc.lon == null) continue;
      const icon = new LabelledIcon({
        className: `incident-marker t-${token(inc.plover_type)} s-${token(inc.status)}`,
        html: el('span', { dataset: { incident: inc.incident_id } }),
        iconSize: [16, 16],
        label: markerName(inc),
      });
      const marker = L.marker([inc.lat, inc.lon], { icon, keyboard: true, riseOnHover: true });
      marker.bindTooltip(label(inc), { direction: 'top', offset: [0, -8] });
      marker.on('click', () => this.onSelect(inc.incident_id));
      this.markers.set(inc.incident_id, marker);
      layers.push(marker);
    }
    this.cluster.addLayers(layers);
    if (fit && layers.length) this.map.fitBounds(this.cluster.getBounds(), { padding: [40, 40], maxZoom: 7 });
    this.container().dataset.markers = String(layers.length);
    return layers.length;
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

  /** WEST,SOUTH,EAST,NORTH of the visible map, clamped to the API's ranges. */
  bbox() {
    const b = this.map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180),
      clamp(b.getNorth(), -90, 90)].map((v) => v.toFixed(4)).join(',');
  }
}
