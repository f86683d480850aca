/**
 * SVG to PNG through @resvg/resvg-js, a native module loaded only when a PNG is asked for: `autopilot
 * plot --format svg` (and every other command) runs without it.
 */
import { AutopilotError } from '../domain/errors.js';

/** The part of @resvg/resvg-js used here. */
export interface ResvgModule {
  Resvg: new (svg: string, options: object) => { render(): { asPng(): Uint8Array } };
}

const loadResvg = async (): Promise<ResvgModule> => import('@resvg/resvg-js');

/**
 * `svg` rendered to a PNG `width` pixels wide (the height follows the SVG's aspect), with the
 * system's fonts. Throws an AutopilotError that points to `--format svg` when the module does not load.
 */
export async function svgToPng(svg: string, width: number, load: () => Promise<ResvgModule> = loadResvg): Promise<Uint8Array> {
  let mod: ResvgModule;
  try {
    mod = await load();
  } catch (cause) {
    throw new AutopilotError('failed', `PNG needs @resvg/resvg-js, which could not be loaded (${(cause as Error).message.split('\n')[0]})`, {
      hint: 'install it (npm install @resvg/resvg-js) or use --format svg',
      cause,
    });
  }
  const resvg = new mod.Resvg(svg, { fitTo: { mode: 'width', value: width }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return resvg.render().asPng();
}
