// Track class icons, drawn once on canvases (no sprite server). Every icon points
// north; the overlay rotates it by heading.

export const CATEGORY_COLORS = {
  drone: '#ffd23f',
  cruise_missile: '#ff7a35',
  ballistic_missile: '#ff2d6f',
  rocket: '#e056fd',
  aircraft: '#7bdff2',
  unknown: '#d0d0d0',
};

const SIZE = 24; // CSS pixels
const RATIO = 2;

// Shapes in a -12..12 box, nose up (negative y).
const shapes = {
  drone: (c) => { c.moveTo(0, -10); c.lineTo(10, 8); c.lineTo(0, 3); c.lineTo(-10, 8); c.closePath(); },
  cruise_missile: (c) => {
    c.moveTo(0, -11); c.lineTo(2, -6); c.lineTo(2, 0); c.lineTo(8, 4); c.lineTo(2, 4); c.lineTo(2, 8);
    c.lineTo(4, 11); c.lineTo(-4, 11); c.lineTo(-2, 8); c.lineTo(-2, 4); c.lineTo(-8, 4); c.lineTo(-2, 0); c.lineTo(-2, -6); c.closePath();
  },
  ballistic_missile: (c) => { c.moveTo(0, -11); c.lineTo(6, 2); c.lineTo(3, 11); c.lineTo(-3, 11); c.lineTo(-6, 2); c.closePath(); },
  rocket: (c) => { c.moveTo(0, -11); c.lineTo(3, -4); c.lineTo(3, 9); c.lineTo(-3, 9); c.lineTo(-3, -4); c.closePath(); },
  aircraft: (c) => {
    c.moveTo(0, -11); c.lineTo(2, -4); c.lineTo(11, 1); c.lineTo(11, 3); c.lineTo(2, 1); c.lineTo(2, 7); c.lineTo(5, 10);
    c.lineTo(-5, 10); c.lineTo(-2, 7); c.lineTo(-2, 1); c.lineTo(-11, 3); c.lineTo(-11, 1); c.lineTo(-2, -4); c.closePath();
  },
  unknown: (c) => { c.arc(0, 0, 7, 0, 2 * Math.PI); },
};

// Canvases of every icon (SIZE*RATIO square), for the overlay that draws moving tracks.
export const ICONS = {};
export const ICON_SIZE = SIZE;

export function drawTrackIcons() {
  for (const [cat, shape] of Object.entries(shapes)) {
    const canvas = document.createElement('canvas');
    canvas.width = SIZE * RATIO; canvas.height = SIZE * RATIO;
    const c = canvas.getContext('2d');
    c.scale(RATIO, RATIO); c.translate(SIZE / 2, SIZE / 2);
    c.beginPath(); shape(c);
    c.fillStyle = CATEGORY_COLORS[cat]; c.fill();
    c.lineWidth = 1.5; c.strokeStyle = '#111820'; c.stroke();
    if (cat === 'unknown') { c.fillStyle = '#111820'; c.font = 'bold 10px sans-serif'; c.textAlign = 'center'; c.textBaseline = 'middle'; c.fillText('?', 0, 1); }
    ICONS[cat] = canvas;
  }
}
