/**
 * The module hook files import as "satchel/hooks": the types of the app and its events, the router's
 * guards, errors and models. Inside the running Satchel (from source or the single executable) the import
 * resolves to this very module (see loader.ts), so the classes are the app's own.
 *
 *   import { type App, ApiError, requireAuth } from "satchel/hooks";
 *
 *   export default (app: App) => {
 *     app.onRecordCreate((e) => {
 *       if (e.record.getString("title") === "") throw new ApiError(400, "A title, please.");
 *       return e.next();
 *     }, "posts");
 *   };
 */
export {
  bodyLimit,
  requireAuth,
  requireGuestOnly,
  requireSuperuserAuth,
  requireSuperuserOrOwnerAuth,
} from "../../apis/router-guards.ts";
export type { App } from "../../core/app.ts";
export { Collection } from "../../core/collection-model.ts";
export type {
  BootstrapEvent,
  CollectionEvent,
  ModelEvent,
  RecordEnrichEvent,
  RecordEvent,
  ServeEvent,
  TerminateEvent,
} from "../../core/events.ts";
export type { HookEvents, HookName } from "../../core/hooks.ts";
export { RecordModel } from "../../core/record-model.ts";
export type { TypedRecordModel } from "../../core/record-model-typed.ts";
export type { RequestEvent } from "../../core/request-event.ts";
export type { Middleware, RouteAction, Router, RouterGroup } from "../../core/router.ts";
export type { Handler, HandlerFunc } from "../../tools/hook/hook.ts";
export {
  ApiError,
  badRequest,
  forbidden,
  internalError,
  notFound,
  unauthorized,
} from "../../tools/router/api-error.ts";
export { ValidationError, ValidationErrors } from "../../tools/validation/validation.ts";

/** HooksFunc is what a hook file exports by default: it binds its handlers, routes and jobs on the app. */
export type HooksFunc = (app: import("../../core/app.ts").App) => Promise<void> | void;
