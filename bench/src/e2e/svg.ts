/** A horizontal bar chart as standalone SVG text (no dependencies). */
export function barChart(title: string, bars: { label: string; value: number }[], higherIsBetter: boolean): string {
  const w = 640, rowH = 28, left = 150, top = 40;
  const h = top + bars.length * rowH + 20;
  const max = Math.max(...bars.map((b) => b.value), 1e-9);
  const esc = (s: string) => s.replace(/[<&>]/g, (c) => ({ '<': '&lt;', '&': '&amp;', '>': '&gt;' })[c]!);
  const rows = bars.map((b, i) => {
    const y = top + i * rowH;
    const bw = Math.max(1, ((w - left - 90) * b.value) / max);
    const fill = b.label === 'tsrtc' ? '#2b7bb9' : '#9aa5b1';
    return `<text x="${left - 8}" y="${y + 17}" text-anchor="end">${esc(b.label)}</text>` +
      `<rect x="${left}" y="${y + 4}" width="${bw.toFixed(1)}" height="${rowH - 8}" fill="${fill}"/>` +
      `<text x="${(left + bw + 6).toFixed(1)}" y="${y + 17}">${b.value.toPrecision(4)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="13">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<text x="10" y="24" font-weight="bold">${esc(title)} (${higherIsBetter ? 'higher' : 'lower'} is better)</text>` +
    rows.join('') + `</svg>\n`;
}
