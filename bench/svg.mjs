// A small horizontal bar chart as a standalone SVG, no dependencies: one bar per row, the row's
// name on the left, its value labelled at the end of the bar, a title (the figure and its unit) and
// a footnote (machine, browser, date). Negative values grow left from the zero line; rows without a
// value (null) show their note only.

const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/**
 * `rows`: `[{ name, value, label?, note?, highlight?, muted? }]` (`label` defaults to the value;
 * `note` is grey text after the label; `highlight` draws the bar in the accent colour, `muted` in
 * grey, e.g. a result that is fast but wrong). Returns the SVG document as a string.
 */
export function barChart({ title, subtitle = '', rows, footnote = '' }) {
  const font = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
  // Text widths are estimated (about 0.6 em per character): the labels must fit right of the bars.
  const textWidth = (text, size) => String(text).length * size * 0.6;
  const longestLabel = Math.max(
    0,
    ...rows.map((r) => textWidth(`${r.label ?? r.value ?? ''} ${r.note ?? ''}`, 12)),
  );
  const nameWidth = 150;
  const labelRoom = Math.max(120, longestLabel + 16);
  const width = Math.ceil(
    Math.max(760, nameWidth + 10 + 300 + labelRoom, 32 + textWidth(title, 16), 32 + textWidth(subtitle, 12), 32 + textWidth(footnote, 11)),
  );
  const barHeight = 22;
  const gap = 8;
  const top = subtitle ? 62 : 46;
  const plotLeft = nameWidth + 10;
  const plotWidth = width - plotLeft - labelRoom;
  const values = rows.map((r) => r.value).filter((v) => typeof v === 'number' && Number.isFinite(v));
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const span = max - min || 1;
  const x = (v) => plotLeft + ((v - min) / span) * plotWidth;
  const zero = x(0);
  const height = top + rows.length * (barHeight + gap) + 44;

  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="26" ${font} font-size="16" font-weight="600" fill="#111">${esc(title)}</text>`,
  );
  if (subtitle) out.push(`<text x="16" y="46" ${font} font-size="12" fill="#555">${esc(subtitle)}</text>`);
  rows.forEach((row, i) => {
    const y = top + i * (barHeight + gap);
    const mid = y + barHeight / 2 + 4;
    out.push(
      `<text x="${nameWidth}" y="${mid}" ${font} font-size="13" text-anchor="end" fill="#222"${row.highlight ? ' font-weight="600"' : ''}>${esc(row.name)}</text>`,
    );
    const hasValue = typeof row.value === 'number' && Number.isFinite(row.value);
    let end = zero;
    if (hasValue) {
      const a = Math.min(zero, x(row.value));
      const w = Math.max(Math.abs(x(row.value) - zero), row.value === 0 ? 0 : 1);
      const fill = row.muted ? '#adb5bd' : row.highlight ? '#d9480f' : '#4263eb';
      out.push(`<rect x="${a.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" rx="2" fill="${fill}"/>`);
      end = Math.max(zero, x(row.value));
    }
    const label = row.label ?? (hasValue ? String(row.value) : '');
    const note = row.note ? ` ${row.note}` : '';
    out.push(
      `<text x="${(end + 6).toFixed(1)}" y="${mid}" ${font} font-size="12" fill="#111">${esc(label)}<tspan fill="#666">${esc(note)}</tspan></text>`,
    );
  });
  if (min < 0) {
    out.push(`<line x1="${zero.toFixed(1)}" y1="${top - 4}" x2="${zero.toFixed(1)}" y2="${top + rows.length * (barHeight + gap) - gap + 4}" stroke="#888" stroke-width="1"/>`);
  }
  out.push(`<text x="16" y="${height - 14}" ${font} font-size="11" fill="#666">${esc(footnote)}</text>`, '</svg>', '');
  return out.join('\n');
}
