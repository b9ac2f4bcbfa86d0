// Draws the tab bar's icons (81 × 81 PNG, WeChat's recommended size), grey for a tab not chosen
// and blue for the chosen one (app.json tabBar's color and selectedColor), from a few strokes
// each: `node scripts/tab-icons.js` writes images/tab/NAME.png and NAME-on.png. A test checks
// that the committed files are what this draws.
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const SIZE = 81;
const STROKE = 6;
const SAMPLES = 4; // per side, per pixel: edges are smoothed

// Shapes answer whether a point is inside.
const dist = (ax, ay, bx, by) => Math.hypot(ax - bx, ay - by);
function segment(x1, y1, x2, y2, w = STROKE) {
  return (x, y) => {
    const dx = x2 - x1;
    const dy = y2 - y1;
    const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
    return dist(x, y, x1 + t * dx, y1 + t * dy) <= w / 2;
  };
}
const polyline = (points, closed) => {
  const parts = [];
  for (let i = 0; i + 1 < points.length; i += 1) parts.push(segment(...points[i], ...points[i + 1]));
  if (closed) parts.push(segment(...points[points.length - 1], ...points[0]));
  return (x, y) => parts.some((p) => p(x, y));
};
const ring = (cx, cy, r, keep = () => true) => (x, y) => Math.abs(dist(x, y, cx, cy) - r) <= STROKE / 2 && keep(x, y);
const disc = (cx, cy, r) => (x, y) => dist(x, y, cx, cy) <= r;
const box = (x1, y1, x2, y2) => (x, y) => x >= x1 && x <= x2 && y >= y1 && y <= y2;
const union = (...shapes) => (x, y) => shapes.some((s) => s(x, y));

const ICONS = {
  // 首页: a house with a door.
  home: union(
    polyline([[12, 40], [40.5, 14], [69, 40]]),
    polyline([[21, 34], [21, 67], [60, 67], [60, 34]]),
    box(34, 47, 47, 67),
  ),
  // 食堂: a bowl and chopsticks.
  canteen: union(
    ring(40.5, 40, 26, (x, y) => y >= 40),
    segment(11.5, 40, 69.5, 40),
    segment(27, 70, 54, 70),
    segment(44, 32, 64, 10),
    segment(52, 34, 72, 14),
  ),
  // 报事: a speech bubble with "!".
  report: union(
    polyline([[14, 14], [67, 14], [67, 56], [38, 56], [22, 70], [24, 56], [14, 56]], true),
    segment(40.5, 24, 40.5, 38),
    disc(40.5, 47, 4),
  ),
  // 家长大学: an open book.
  course: union(
    polyline([[12, 18], [38, 25], [38, 67], [12, 60]], true),
    polyline([[69, 18], [43, 25], [43, 67], [69, 60]], true),
  ),
  // 我的: a person.
  mine: union(
    ring(40.5, 27, 12),
    ring(40.5, 74, 27, (x, y) => y <= 70),
  ),
};

const COLORS = { off: [0x5e, 0x5e, 0x5e], on: [0x00, 0x52, 0xd9] };

// A PNG file (RGBA, 8 bits) of the pixels.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(shape, [r, g, b]) {
  const rows = [];
  for (let y = 0; y < SIZE; y += 1) {
    const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0, then RGBA
    for (let x = 0; x < SIZE; x += 1) {
      let hit = 0;
      for (let sy = 0; sy < SAMPLES; sy += 1) {
        for (let sx = 0; sx < SAMPLES; sx += 1) {
          if (shape(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES)) hit += 1;
        }
      }
      row.set([r, g, b, Math.round((255 * hit) / (SAMPLES * SAMPLES))], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// icons answers each file's name (under images/tab/) and its bytes.
function icons() {
  const out = {};
  Object.keys(ICONS).forEach((name) => {
    out[name + '.png'] = png(ICONS[name], COLORS.off);
    out[name + '-on.png'] = png(ICONS[name], COLORS.on);
  });
  return out;
}

if (require.main === module) {
  const dir = path.join(__dirname, '..', 'images', 'tab');
  fs.mkdirSync(dir, { recursive: true });
  const files = icons();
  Object.keys(files).forEach((f) => fs.writeFileSync(path.join(dir, f), files[f]));
  console.log('wrote ' + Object.keys(files).length + ' icons to images/tab/');
}

module.exports = { SIZE, icons };
