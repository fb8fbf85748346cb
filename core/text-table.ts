export type ColumnAlign = "left" | "right";

export interface TableOptions {
  /** Column titles, drawn above a separator; omit for a headerless table. */
  header?: readonly string[];
  /** Per-column alignment; left by default. */
  align?: readonly ColumnAlign[];
}

/** A bordered table drawn with box characters; cells are single-line (newlines and tabs become spaces). */
export function renderTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const header = options.header?.map(clean);
  const body = rows.map((row) => row.map(clean));
  // Loops, not Math.max(...spread): a query may render a hundred thousand rows.
  const widths: number[] = [];
  for (const row of header ? [header, ...body] : body) {
    row.forEach((text, c) => {
      widths[c] = Math.max(widths[c] ?? 1, width(text));
    });
  }
  if (widths.length === 0) return "";
  const rule = (left: string, mid: string, right: string) =>
    `${left}${widths.map((w) => "─".repeat(w + 2)).join(mid)}${right}`;
  const line = (cells: readonly string[]) =>
    `│${widths.map((w, c) => ` ${pad(cells[c] ?? "", w, options.align?.[c] ?? "left")} `).join("│")}│`;
  const out = [rule("┌", "┬", "┐")];
  if (header) out.push(line(header), rule("├", "┼", "┤"));
  for (const row of body) out.push(line(row));
  out.push(rule("└", "┴", "┘"));
  return out.join("\n");
}

function clean(cell: string): string {
  return cell.replace(/[\r\n\t]+/g, " ");
}

/** Display width counted in code points (no East Asian width tables). */
function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function pad(text: string, to: number, align: ColumnAlign): string {
  const fill = " ".repeat(to - width(text));
  return align === "right" ? fill + text : text + fill;
}
