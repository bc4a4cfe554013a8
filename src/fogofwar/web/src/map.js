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

function clusterIcon(cluster) {
  const n = cluster.getChildCount();
  const size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
  return L.divIcon({
    html: el('div', {}, el('span', { text: n })),
    className: `marker-cluster marker-cluster-${size}`,
    iconSize: L.point(36, 36),
  });
}

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
    this.basemap = this.loadBasemap();
  }

  async loadBasemap() {
    const world = await fetch('/assets/geo/countries-50m.json').then((r) => r.json());
    L.geoJSON(feature(world, world.objects.countries), {
      pane: 'land', renderer: L.canvas({ pane: 'land', padding: 0.5 }), interactive: false,
      attribution: 'Country outlines: Natural Earth (world-atlas)',
      style: { className: 'land', color: '#8c8f96', weight: 0.8, fillColor: '#f4f2ec', fillOpacity: 1 },
    }).addTo(this.map);
    const { countries } = await fetch('/assets/geo/regions.json').then((r) => r.json());
    const renderer = L.canvas({ pane: 'regions', padding: 0.5 });
    await Promise.all(countries.map(async (name) => {
      const regions = await fetch(`/assets/geo/regions/${encodeURIComponent(name)}.json`).then((r) => r.json());
      L.geoJSON(regions, {
        pane: 'regions', renderer, interactive: false, attribution: AMCHARTS,
        style: { color: '#a9adb5', weight: 0.6, dashArray: '3 3', fill: false },
      }).addTo(this.map);
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
      const icon = L.divIcon({
        className: `incident-marker t-${token(inc.plover_type)} s-${token(inc.status)}`,
        html: el('span', { dataset: { incident: inc.incident_id } }),
        iconSize: [16, 16],
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
