import type { App } from "../../core/app.ts";
import type { HookName } from "../../core/hooks.ts";
import type { Cron } from "../../tools/cron/cron.ts";
import { type Handler, type HandlerFunc, type Hook, type HookEvent, isChainResult } from "../../tools/hook/hook.ts";
import { ApiError, internalError, NotFoundError } from "../../tools/router/api-error.ts";
import { ValidationErrors } from "../../tools/validation/validation.ts";

/** Bindings are what hook files bound: handler ids per hook and cron job ids, so a reload can take them back. */
export class Bindings {
  readonly handlers: { hook: Hook<HookEvent>; id: string }[] = [];
  readonly jobs: string[] = [];

  /** unbindAll removes every handler and job recorded. */
  unbindAll(app: App): void {
    for (const { hook, id } of this.handlers.splice(0)) hook.unbind(id);
    for (const id of this.jobs.splice(0)) app.cron().remove(id);
  }
}

/** isAnswer tells errors that are answers (ApiError, validation, not found) from failures of the code. */
function isAnswer(err: unknown): boolean {
  return err instanceof ApiError || err instanceof ValidationErrors || err instanceof NotFoundError;
}

/**
 * guard wraps a hook file's handler: an ApiError (or validation errors, or a missing row) that comes out of
 * it is the answer; anything else is logged with the hook and the file, and fails the chain with a 500 (so
 * a transaction around it rolls back). It adds no async frame: a handler's promise gets one rejection
 * handler, and a synchronous handler nothing; nor does a handler that returns what its `e.next()` returned
 * (`(e) => e.next()`): a failure of the rest of the chain is not the handler's, and is answered as it
 * would be without the handler.
 */
export function guard<E extends HookEvent>(app: App, where: string, func: HandlerFunc<E>): HandlerFunc<E> {
  const fail = (err: unknown): never => {
    if (isAnswer(err)) throw err;
    app.logger().error(`hook failed: ${where}`, {
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    throw internalError("", err);
  };
  return (e) => {
    let result: Promise<void> | void;
    try {
      result = func(e);
    } catch (err) {
      return fail(err);
    }
    return result instanceof Promise && !isChainResult(result) ? result.catch(fail) : result;
  };
}

function isHandlerArg(v: unknown): v is HandlerFunc<HookEvent> | Handler<HookEvent> {
  return typeof v === "function" || (typeof v === "object" && v !== null && "func" in v);
}

/**
 * hookFileApp is the app a hook file's default export gets: the app itself, except that what it binds
 * through `app.onX(...)` (a handler, or `.bind`/`.bindFunc` on the hook) is guarded and recorded, and so
 * are the jobs it adds with `app.cron().add`.
 */
export function hookFileApp(app: App, file: string, bindings: Bindings): App {
  const names = new Set<string>(app.hooks.names());
  const wrapHandler = (name: string, h: HandlerFunc<HookEvent> | Handler<HookEvent>): Handler<HookEvent> => {
    const handler = typeof h === "function" ? { func: h } : h;
    return { ...handler, func: guard(app, `${name} in ${file}`, handler.func) };
  };
  const record = (name: HookName, id: string) => {
    bindings.handlers.push({ hook: app.hooks.get(name) as unknown as Hook<HookEvent>, id });
  };
  const accessor = (name: HookName) => {
    const original = Reflect.get(app, name) as (...args: unknown[]) => unknown;
    return (...args: unknown[]) => {
      const [first, ...rest] = args;
      if (isHandlerArg(first)) {
        const handle = original.call(app, wrapHandler(name, first), ...rest) as { id: string };
        record(name, handle.id);
        return handle;
      }
      // the hook (or its tagged view): bind and bindFunc through it are guarded too
      const view = original.call(app, ...args) as object;
      return new Proxy(view, {
        get(target, prop) {
          const value = Reflect.get(target, prop, target);
          if (prop === "bind" || prop === "bindFunc") {
            return (h: HandlerFunc<HookEvent> | Handler<HookEvent>) => {
              const id = (target as { bind(h: Handler<HookEvent>): string }).bind(wrapHandler(name, h));
              record(name, id);
              return id;
            };
          }
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    };
  };
  const cron = (): Cron => {
    const scheduler = app.cron();
    return new Proxy(scheduler, {
      get(target, prop) {
        if (prop === "add") {
          return (id: string, expression: string, fn: () => Promise<void> | void) => {
            target.add(id, expression, fn);
            bindings.jobs.push(id);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
  return new Proxy(app, {
    get(target, prop, receiver) {
      if (typeof prop === "string" && names.has(prop)) return accessor(prop as HookName);
      if (prop === "cron") return cron;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
