import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig, type Plugin } from "vite";

/** Where `satchel serve` listens while the dashboard is developed with `npm run dev:ui`. */
const devApi = process.env.SATCHEL_URL ?? "http://127.0.0.1:8090";

/** Text files larger than this get `.br` and `.gz` siblings, which the server sends in their place. */
const compressMinBytes = 1024;
const compressible = /\.(js|css|html|svg|json|txt)$/;

/** precompress writes each built text file's brotli and gzip versions once, so serving never compresses. */
function precompress(): Plugin {
  const brotli = promisify(brotliCompress);
  const gz = promisify(gzip);
  let outDir = "";
  return {
    name: "satchel-precompress",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const names = [...Object.keys(bundle), "index.html"].filter((n) => compressible.test(n));
      await Promise.all(
        [...new Set(names)].map(async (name) => {
          const path = join(outDir, name);
          const body = await readFile(path).catch(() => null);
          if (!body || body.byteLength < compressMinBytes) return;
          const [br, gzipped] = await Promise.all([
            brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
            gz(body, { level: 9 }),
          ]);
          await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gzipped)]);
        }),
      );
    },
  };
}

export default defineConfig({
  // relative asset URLs: the dashboard works under /_/ and behind a proxy that adds a path prefix
  base: "./",
  plugins: [svelte(), precompress()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
    // the Svelte compiler is most of the build's time; the bundler's note saying so is noise in `npm test`
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    proxy: { "/api": { target: devApi, changeOrigin: true } },
  },
});
