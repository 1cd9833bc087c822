import { Canvas } from './canvas.js';

/** Shortens `text` with a trailing '..' until it fits in `width` pixels at `scale`. */
export function fit(text: string, width: number, scale: number): string {
  const chars = [...text];
  if (Canvas.measureText(text, scale).width <= width) return text;
  while (chars.length > 0 && Canvas.measureText(chars.join('') + '..', scale).width > width) chars.pop();
  return chars.length > 0 ? chars.join('') + '..' : '';
}
