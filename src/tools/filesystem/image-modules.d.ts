declare module "*.wasm" {
  /** The path of the WebAssembly file (inside the executable once compiled). */
  const path: string;
  export = path;
}

declare module "gifenc" {
  export type Palette = number[][];
  export interface QuantizeOptions {
    format?: "rgb565" | "rgb444" | "rgba4444";
    oneBitAlpha?: boolean | number;
    clearAlpha?: boolean;
  }
  export function quantize(rgba: Uint8Array, maxColors: number, options?: QuantizeOptions): Palette;
  export function applyPalette(rgba: Uint8Array, palette: Palette, format?: QuantizeOptions["format"]): Uint8Array;
  export interface FrameOptions {
    palette?: Palette;
    transparent?: boolean;
    transparentIndex?: number;
  }
  export interface Encoder {
    writeFrame(index: Uint8Array, width: number, height: number, options?: FrameOptions): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  export function GIFEncoder(): Encoder;
}
