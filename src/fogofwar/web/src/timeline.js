// The timeline: incidents per day (week, month for long spans) with a brush that filters the map. It draws the
// server's counts per event date (/api/timeline), so it costs the same at 50 incidents as at 50,000.
import { bin, max, sum } from 'd3-array';
import { axisBottom, axisLeft } from 'd3-axis';
import { brushX } from 'd3-brush';
import { scaleLinear, scaleUtc } from 'd3-scale';
import { select } from 'd3-selection';
import { utcDay, utcMonth, utcWeek } from 'd3-time';
import { dayOf } from './time.js';

const HEIGHT = 120;
const MARGIN = { top: 8, right: 16, bottom: 22, left: 34 };

export class Timeline {
  constructor(container, { onBrush }) {
    this.container = container;
    this.onBrush = onBrush;
    this.days = [];
    this.range = null;
    new ResizeObserver(() => this.render()).observe(container);
  }

  /** Draw these counts ([event date, count]); the brush is cleared unless `keepRange`, or set to `range` ([Date, Date]). */
  update(days, { keepRange = false, range = null } = {}) {
    const before = JSON.stringify([this.source, this.range]);
    this.source = days;
    this.days = days.map(([value, n]) => ({ date: dayOf(value), n })).filter((d) => d.date);
    if (range) this.range = range;
    else if (!keepRange) this.range = null;
    // The same counts and brush as drawn (the same filters asked again): the drawing stays, brush and all.
    if (JSON.stringify([this.source, this.range]) === before) return;
    this.render();
  }

  render() {
    const width = Math.max(200, this.container.clientWidth);
    const inner = width - MARGIN.left - MARGIN.right;
    const h = HEIGHT - MARGIN.top - MARGIN.bottom;
    const days = this.days.map((d) => d.date);
    const dated = sum(this.days, (d) => d.n);
    select(this.container).selectAll('*').remove();
    const svg = select(this.container).append('svg')
      .attr('width', width).attr('height', HEIGHT).attr('role', 'img')
      .attr('aria-label', `${dated} dated incidents over time`);
    if (!days.length) {
      svg.append('text').attr('x', width / 2).attr('y', HEIGHT / 2).attr('class', 'empty')
        .attr('text-anchor', 'middle').text('No dated incidents');
      return;
    }
    const first = utcDay.floor(new Date(Math.min(...days)));
    const last = utcDay.offset(utcDay.floor(new Date(Math.max(...days))), 1);
    const spanDays = (last - first) / 864e5;
    const interval = spanDays <= 120 ? utcDay : spanDays <= 1000 ? utcWeek : utcMonth;
    const x = scaleUtc().domain([interval.floor(first), interval.ceil(last)]).range([0, inner]);
    const bins = bin().value((d) => d.date).domain(x.domain()).thresholds(interval.range(...x.domain()))(this.days);
    for (const b of bins) b.n = sum(b, (d) => d.n);
    const y = scaleLinear().domain([0, max(bins, (b) => b.n) || 1]).nice().range([h, 0]);
    const g = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    g.append('g').attr('class', 'bars').selectAll('rect').data(bins).join('rect')
      .attr('class', 'bar')
      .attr('x', (b) => x(b.x0) + 0.5)
      .attr('width', (b) => Math.max(1, x(b.x1) - x(b.x0) - 1))
      .attr('y', (b) => y(b.n))
      .attr('height', (b) => h - y(b.n));
    g.append('g').attr('class', 'axis').attr('transform', `translate(0,${h})`)
      .call(axisBottom(x).ticks(Math.max(2, Math.floor(inner / 90))));
    g.append('g').attr('class', 'axis').call(axisLeft(y).ticks(3));
    const brush = brushX().extent([[0, 0], [inner, h]]).on('end', (event) => {
      if (!event.sourceEvent) return; // moved by code, not by the analyst
      this.range = event.selection ? event.selection.map((px) => x.invert(px)) : null;
      this.onBrush(this.range);
    });
    const brushGroup = g.append('g').attr('class', 'brush').call(brush);
    if (this.range) brushGroup.call(brush.move, this.range.map(x));
  }
}
