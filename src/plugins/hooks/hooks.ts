import { existsSync, type FSWatcher, watch } from "node:fs";
import type { App } from "../../core/app.ts";
import { Bindings, hookFileApp } from "./hook-file-app.ts";
import { type HookFile, HookFileError, type LoadedHookFiles, loadHookFiles } from "./loader.ts";

/**
 * The hooks plugin: TypeScript (or JavaScript) files in `satchel_hooks/` beside the data directory (or
 * `--hooksDir`), each exporting by default a function that gets the app and binds hooks, routes (in
 * onServe, on `e.router`) and cron jobs. They are loaded in name order when the app is made, all or none;
 * with `--dev` or `--hooksWatch`, a change in the directory loads them again in the running server: what
 * the old files bound is unbound, the new files bind theirs, and the router is remounted (connections and
 * the database stay).
 */

export interface HooksConfig {
  /** The directory of the hook files. */
  dir: string;
  /** Load the files again when the directory changes (while serving). */
  watch: boolean;
  /** Type-check the TypeScript files before they run (a type error refuses them all, as a syntax error does). */
  typeCheck: boolean;
}

/** load loads the hook files and says how their type check went (skipped: why; passed: how long it took). */
async function load(app: App, config: HooksConfig): Promise<HookFile[]> {
  const { files, typeCheck }: LoadedHookFiles = await loadHookFiles(config.dir, config.typeCheck);
  if (typeCheck?.kind === "skipped") {
    app.logger().warn(`hook files not type-checked: ${typeCheck.reason}`, { dir: config.dir });
  } else if (typeCheck?.kind === "passed") {
    app.logger().debug("hook files type-checked", { ms: typeCheck.ms, typescript: typeCheck.compiler.version });
  }
  return files;
}

export const hooksWatchHandlerId = "satchelHooksWatch";

/** How long the directory must be quiet before a change is loaded (editors write a file in several steps). */
const settleMs = 150;

/** registerAll runs each file's default export in order; on a failure, what the files bound is unbound. */
async function registerAll(app: App, files: readonly HookFile[], bindings: Bindings): Promise<void> {
  for (const { file, register } of files) {
    try {
      await register(hookFileApp(app, file, bindings));
    } catch (err) {
      bindings.unbindAll(app);
      throw new HookFileError(
        `failed to register hook file ${file}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    }
  }
}

/**
 * registerHooks loads and registers the hook files of a directory (a HookFileError names the file that
 * fails: nothing of the files is then bound) and, when asked, watches it while the app serves.
 */
export async function registerHooks(app: App, config: HooksConfig): Promise<void> {
  let files = await load(app, config);
  const bindings = new Bindings();
  await registerAll(app, files, bindings);
  // a directory made after the start isn't watched: nothing to watch then
  if (!config.watch) return;

  let remount: (() => Promise<void>) | null = null;
  let watcher: FSWatcher | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reloading: Promise<void> = Promise.resolve();

  const reload = async () => {
    let next: HookFile[];
    try {
      next = await load(app, config);
    } catch (err) {
      app.logger().error("hook files not reloaded: the previous ones stay", { error: String(err) });
      return;
    }
    bindings.unbindAll(app);
    try {
      await registerAll(app, next, bindings);
      files = next;
    } catch (err) {
      app.logger().error("hook files not reloaded: the previous ones stay", { error: String(err) });
      await registerAll(app, files, bindings);
    }
    await remount?.();
    app.logger().info("hook files reloaded", { dir: config.dir, files: files.map((f) => f.file).join(", ") });
  };

  app.onServe().bind({
    id: hooksWatchHandlerId,
    func: async (e) => {
      remount = e.remount;
      if (!watcher && existsSync(config.dir))
        watcher = watch(config.dir, { recursive: true }, (_event, name) => {
          if (name?.includes("node_modules")) return;
          clearTimeout(timer);
          timer = setTimeout(() => {
            reloading = reloading.then(reload).catch((err: unknown) => {
              app.logger().error("hook files reload failed", { error: String(err) });
            });
          }, settleMs);
        });
      await e.next();
    },
  });
  app.onTerminate().bind({
    id: hooksWatchHandlerId,
    func: async (e) => {
      if (!e.isRestart) {
        clearTimeout(timer);
        watcher?.close();
        watcher = null;
      }
      await e.next();
    },
  });
}
