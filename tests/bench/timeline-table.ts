// The timeline bench's one table. table.ts's rows judge a figure against a ceiling and a target;
// these compare two designs on the same data, with no target yet, so they get their own columns.

export interface TimelineRow {
  database: string;
  work: string;
  /** 'pull' (today), 'timeline' (fan-out on write, hybrid read) or '' for what belongs to neither alone. */
  design: string;
  clients: number | null;
  perSecond: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Rows written, deleted or stored, as the work says. */
  rows: number | null;
  megabytes: number | null;
  /** A timeline read's throughput over the pull's, same reader, page and clients. */
  vsPull: number | null;
  note?: string;
}

export const emptyRow = (database: string, work: string, design = ''): TimelineRow =>
  ({ database, work, design, clients: null, perSecond: null, p50Ms: null, p99Ms: null, rows: null, megabytes: null, vsPull: null });

export const megabytes = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;

export function printTimelineTable(rows: TimelineRow[]): string {
  const header = ['database', 'work', 'design', 'clients', 'per s', 'p50 ms', 'p99 ms', 'rows', 'MB', 'vs pull', 'note'];
  const cell = (value: number | null) => (value === null ? '' : String(value));
  const lines = rows.map((row) => [row.database, row.work, row.design, cell(row.clients), cell(row.perSecond), cell(row.p50Ms), cell(row.p99Ms),
    cell(row.rows), cell(row.megabytes), row.vsPull === null ? '' : `×${row.vsPull}`, row.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i]!.length)));
  const numeric = new Set([3, 4, 5, 6, 7, 8, 9]);
  const format = (line: string[]) => `| ${line.map((value, i) => (numeric.has(i) ? value.padStart(widths[i]!) : value.padEnd(widths[i]!))).join(' | ')} |`;
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n');
}
