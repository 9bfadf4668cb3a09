// One row per line of the issue's table: the figure, its ceiling from the same run, the ratio,
// the target, and whether the figure meets it, computed from the figures and nothing else.
import type { Figure } from './lib.ts';

export interface Row {
  work: string;
  requestsPerSecond: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  /** The ceiling's figure, in the row's own unit (req/s for loads, p99 ms for fan-out, bytes for pages). */
  ceiling: string;
  ratio: number | null;
  target: string;
  met: boolean;
  note?: string;
}

const clean = (figure: Figure) => figure.errors === 0 && figure.non2xx === 0;
const failures = (figure: Figure) => (clean(figure) ? undefined : `${figure.errors} errors, ${figure.non2xx} non-2xx`);
const ratioOf = (a: number, b: number) => +(a / b).toFixed(2);

/** A load beside its ceiling: met when the ratio and the p99 bound (if any) hold and nothing failed. */
export function againstCeiling(work: string, figure: Figure, ceiling: Figure, minRatio: number, maxP99Ms?: number): Row {
  const ratio = ratioOf(figure.requestsPerSecond, ceiling.requestsPerSecond);
  const parts = [`≥ ${minRatio.toFixed(2)} of ceiling`, ...(maxP99Ms ? [`p99 < ${maxP99Ms} ms`] : [])];
  const met = ratio >= minRatio && (maxP99Ms === undefined || figure.p99Ms < maxP99Ms) && clean(figure) && clean(ceiling);
  // The ceiling's own latencies under the same load say how much of a p99 is the machine's.
  const ceilingLatency = `ceiling p50 ${ceiling.p50Ms} ms, p99 ${ceiling.p99Ms} ms`;
  const note = failures(figure) ?? (clean(ceiling) ? ceilingLatency : `ceiling: ${failures(ceiling)}`);
  return { work, ...pick(figure), ceiling: `${ceiling.requestsPerSecond}`, ratio, target: parts.join(', '), met, note };
}

/** A load with an absolute target (requests per second, p99), its ceiling shown beside it for scale. */
export function absolute(work: string, figure: Figure, ceiling: Figure | null, minRequestsPerSecond: number, maxP99Ms?: number): Row {
  const met = figure.requestsPerSecond >= minRequestsPerSecond && (maxP99Ms === undefined || figure.p99Ms < maxP99Ms) && clean(figure);
  const target = [`≥ ${minRequestsPerSecond}/s`, ...(maxP99Ms ? [`p99 < ${maxP99Ms} ms`] : [])].join(', ');
  const note = failures(figure) ?? (ceiling ? `ceiling p50 ${ceiling.p50Ms} ms, p99 ${ceiling.p99Ms} ms` : undefined);
  return { work, ...pick(figure), ceiling: ceiling ? `${ceiling.requestsPerSecond}` : '—', ratio: ceiling ? ratioOf(figure.requestsPerSecond, ceiling.requestsPerSecond) : null, target, met, note };
}

export interface FanOut { clients: number; posts: number; arrivals: number; expected: number; p50Ms: number; p99Ms: number; maxMs: number }

/** Live fan-out: Caucus's p99 over its baseline's; every event must reach every client. */
export function fanOutRow(work: string, caucus: FanOut, baseline: FanOut, maxRatio: number, strict: boolean): Row {
  const ratio = ratioOf(caucus.p99Ms, baseline.p99Ms);
  const complete = caucus.arrivals === caucus.expected && baseline.arrivals === baseline.expected;
  const met = (strict ? ratio < maxRatio : ratio <= maxRatio) && complete;
  return {
    work, requestsPerSecond: null, p50Ms: caucus.p50Ms, p99Ms: caucus.p99Ms, ceiling: `p99 ${baseline.p99Ms} ms`, ratio,
    target: `p99 ${strict ? '<' : '≤'} ${maxRatio === 1 ? '' : `${maxRatio}× `}baseline`, met,
    note: `${caucus.arrivals}/${caucus.expected} events arrived (baseline ${baseline.arrivals}/${baseline.expected})`,
  };
}

const pick = (figure: Figure) => ({ requestsPerSecond: figure.requestsPerSecond, p50Ms: figure.p50Ms, p99Ms: figure.p99Ms });

export function printTable(title: string, rows: Row[]): string {
  const header = ['work', 'req/s', 'p50', 'p99', 'ceiling', 'ratio', 'target', 'result'];
  const cell = (value: number | null, unit = '') => (value === null ? '—' : `${value}${unit}`);
  const lines = rows.map((row) => [row.work, cell(row.requestsPerSecond), cell(row.p50Ms, ' ms'), cell(row.p99Ms, ' ms'), row.ceiling, cell(row.ratio), row.target, row.met ? 'MET' : 'MISSED']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i]!.length)));
  const format = (line: string[]) => `| ${line.map((value, i) => value.padEnd(widths[i]!)).join(' | ')} |`;
  const notes = rows.filter((row) => row.note).map((row) => `  ${row.work}: ${row.note}`);
  return [title, format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format), ...(notes.length ? ['notes:', ...notes] : [])].join('\n');
}

export const withNote = (row: Row, note: string): Row => ({ ...row, note: [row.note, note].filter(Boolean).join('; ') });
