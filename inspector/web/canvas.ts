/** Drawing on a canvas for the hand-made charts: a sharp canvas on any pixel ratio, and an axis's ticks. */
import { fmtNum } from './format.js';
import type { Axis } from './params-data.js';

export const INK = '#1f2328';
export const FAINT = '#d0d7de';
export const FONT = '11px system-ui, sans-serif';

/** A canvas of `width`×`height` CSS pixels, its context scaled to them. */
export function sharpCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.font = FONT;
  return ctx;
}

/** Labelled ticks of `axis`: its round values (numeric) or its columns (categorical), each with its place in [0, 1]. */
export function axisTicks(axis: Axis): { at: number; text: string }[] {
  if (axis.categories) return axis.categories.map((c, i) => ({ at: (i + 0.5) / axis.categories!.length, text: c }));
  const scale = axis.scale!;
  return scale.ticks.flatMap((t) => {
    const at = scale.unit(t);
    return at === null || at < -1e-9 || at > 1 + 1e-9 ? [] : [{ at, text: fmtNum(t) }];
  });
}

/** A point's place on a chart's pixel span [from, to] (a place of 0 at `from`). */
export const toPx = (place: number, from: number, to: number) => from + place * (to - from);
