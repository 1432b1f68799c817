// A live loss curve on a canvas: the training loss per step (faint), its running mean (solid) and the dev loss per
// epoch (dots). Redrawn whole on each point: a few thousand points draw in well under a millisecond.

export class LossChart {
  private readonly train: number[] = [];
  private readonly dev: { step: number; loss: number }[] = [];

  constructor(private readonly canvas: HTMLCanvasElement) {}

  addStep(loss: number): void { this.train.push(loss); this.draw(); }
  addDev(step: number, loss: number): void { this.dev.push({ step, loss }); this.draw(); }
  clear(): void { this.train.length = 0; this.dev.length = 0; this.draw(); }

  private draw(): void {
    const c = this.canvas.getContext('2d');
    if (!c) return;
    const { width: w, height: h } = this.canvas;
    const pad = { left: 44, right: 10, top: 10, bottom: 22 };
    c.clearRect(0, 0, w, h);
    const values = [...this.train, ...this.dev.map(d => d.loss)].filter(Number.isFinite);
    if (values.length === 0) return;
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    const span = hi - lo || 1;
    const steps = Math.max(this.train.length, ...this.dev.map(d => d.step), 2);
    const x = (step: number) => pad.left + (w - pad.left - pad.right) * (step - 1) / (steps - 1);
    const y = (loss: number) => pad.top + (h - pad.top - pad.bottom) * (1 - (loss - lo) / span);
    c.strokeStyle = '#888'; c.fillStyle = '#444'; c.font = '11px sans-serif'; c.lineWidth = 1;
    c.strokeRect(pad.left, pad.top, w - pad.left - pad.right, h - pad.top - pad.bottom);
    c.fillText(hi.toFixed(3), 2, pad.top + 9);
    c.fillText(lo.toFixed(3), 2, h - pad.bottom);
    c.fillText(`step ${steps}`, w - pad.right - 52, h - 6);
    this.line(c, this.train.map((v, i) => [x(i + 1), y(v)]), 'rgba(31, 119, 180, 0.3)');
    const window = Math.max(1, Math.round(this.train.length / 20));
    const smooth = this.train.map((_, i) => {
      const part = this.train.slice(Math.max(0, i - window + 1), i + 1);
      return [x(i + 1), y(part.reduce((a, b) => a + b, 0) / part.length)] as [number, number];
    });
    this.line(c, smooth, 'rgb(31, 119, 180)');
    c.fillStyle = 'rgb(214, 39, 40)';
    for (const d of this.dev) { c.beginPath(); c.arc(x(d.step), y(d.loss), 3.5, 0, 2 * Math.PI); c.fill(); }
  }

  private line(c: CanvasRenderingContext2D, points: [number, number][], color: string): void {
    c.strokeStyle = color; c.lineWidth = 1.5; c.beginPath();
    points.forEach(([px, py], i) => (i === 0 ? c.moveTo(px, py) : c.lineTo(px, py)));
    c.stroke();
  }
}
