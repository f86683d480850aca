import { describe, expect, it } from 'vitest';
import { svgToPng } from '../../adapters/png.js';
import { isAutopilotError } from '../../domain/errors.js';

describe('svgToPng', () => {
  it('renders an SVG with @resvg/resvg-js to a PNG of the width asked for', async () => {
    const png = Buffer.from(await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><text x="10" y="50">hi</text></svg>', 500));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([500, 250]);
  });

  it('says PNG needs @resvg/resvg-js, and to use --format svg, when the module does not load', async () => {
    const error = await svgToPng('<svg xmlns="http://www.w3.org/2000/svg"/>', 100, () => Promise.reject(new Error("Cannot find module '@resvg/resvg-js'"))).catch((e: unknown) => e);
    expect(isAutopilotError(error, 'failed')).toBe(true);
    expect((error as Error).message).toMatch(/^PNG needs @resvg\/resvg-js, which could not be loaded \(Cannot find module '@resvg\/resvg-js'\); .*use --format svg$/);
  });
});
