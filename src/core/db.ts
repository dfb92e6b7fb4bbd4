import type { Hook } from "../tools/hook/hook.ts";
import type { App } from "./app.ts";
import type { Model } from "./db-model.ts";
import { type AppEvent, ModelErrorEvent, ModelEvent, type ModelEventType } from "./events.ts";

/**
 * The priority at which a kind's hooks (onRecord*, onCollection*) are woven into the onModel* ones, as in
 * PocketBase: onModel* handlers with a lower priority run around them, the others inside them.
 */
export const modelHooksPriority = -99;

/** KindHooks are one kind's hooks for each stage of a write (the onRecord* or the onCollection* ones). */
export interface KindHooks<E extends AppEvent, EE extends E> {
  validate: Hook<E>;
  create: Hook<E>;
  createExecute: Hook<E>;
  afterCreateSuccess: Hook<E>;
  afterCreateError: Hook<EE>;
  update: Hook<E>;
  updateExecute: Hook<E>;
  afterUpdateSuccess: Hook<E>;
  afterUpdateError: Hook<EE>;
  delete: Hook<E>;
  deleteExecute: Hook<E>;
  afterDeleteSuccess: Hook<E>;
  afterDeleteError: Hook<EE>;
}

/** The stages a kind may wrap as a whole, hooks included (records: their fields' interceptors). */
export type WrappedStage =
  | "create"
  | "update"
  | "delete"
  | "afterCreate"
  | "afterUpdate"
  | "afterDelete"
  | "afterCreateError"
  | "afterUpdateError"
  | "afterDeleteError";

/** Runs the rest of a stage: the remaining onModel* handlers, then the model's own action. */
export type Inner = () => Promise<void>;

/**
 * ModelKind is what the pipeline needs to know of one kind of model (records, collections): its hooks and
 * events, and its part of each stage. The pipeline fires the hooks in one order for every kind; a kind
 * only says what it does at each stage.
 */
export interface ModelKind<M extends Model, E extends AppEvent, EE extends E> {
  hooks(app: App): KindHooks<E, EE>;
  newEvent(app: App, model: M, type: ModelEventType): E;
  newErrorEvent(app: App, model: M, type: ModelEventType, err: unknown): EE;
  /** around wraps a stage, its hooks included. */
  around(app: App, model: M, stage: WrappedStage, fn: () => Promise<void>): Promise<void>;
  /** beforeSave is the kind's part of a create or update, before validation. */
  beforeSave(e: E, inner: Inner): Promise<void>;
  /** validate checks the model, then runs `inner`. */
  validate(e: E, inner: Inner): Promise<void>;
  /** execute does what a write needs around `inner`, which writes the row (writeRow). */
  execute(e: E, inner: Inner): Promise<void>;
  /** writeRow is the INSERT or UPDATE (the model is then no longer new). */
  writeRow(app: App, model: M): Promise<void>;
  /** deleteExecute does what a delete needs around `inner`, which deletes the row (deleteRow). */
  deleteExecute(e: E, inner: Inner): Promise<void>;
  deleteRow(app: App, model: M): Promise<void>;
  /** saveFailed runs when a save failed, before the after-error hooks. */
  saveFailed(app: App): Promise<void>;
  /** deleted runs once a delete is stored, after its success hooks. */
  deleted(app: App, model: M): Promise<void>;
}

/**
 * fire runs one stage: the onModel* handlers below modelHooksPriority, the kind's hooks (wrapped by
 * `wrap`), whose default action is the kind's `action`; its `inner` runs the other onModel* handlers and
 * the model's own action. The handlers share the app: a handler that changes `e.app` changes it for the
 * rest of the stage. Without an onModel* handler for the model, no ModelEvent is made.
 */
function fire<M extends Model, E extends AppEvent, ME extends ModelEvent>(
  modelHook: Hook<ME>,
  newModelEvent: () => ME,
  model: M,
  kindHook: Hook<E>,
  kindEvent: E,
  wrap: ((fn: () => Promise<void>) => Promise<void>) | null,
  action: (e: E, inner: Inner) => Promise<void>,
  modelAction: (app: App) => Promise<void>,
): Promise<void> {
  // without onModel* handlers (the usual case) the stage's own promise is returned, not wrapped in another
  try {
    if (!modelHook.hasHandlersFor(model.hookTags())) {
      const run = () => kindHook.trigger(kindEvent, (e) => action(e, () => modelAction(e.app)));
      return wrap ? wrap(run) : run();
    }
  } catch (err) {
    return Promise.reject(err);
  }
  return fireSplit(modelHook, newModelEvent, kindHook, kindEvent, wrap, action, modelAction);
}

/** fireSplit is fire with onModel* handlers: those below modelHooksPriority around the kind's hooks. */
async function fireSplit<E extends AppEvent, ME extends ModelEvent>(
  modelHook: Hook<ME>,
  newModelEvent: () => ME,
  kindHook: Hook<E>,
  kindEvent: E,
  wrap: ((fn: () => Promise<void>) => Promise<void>) | null,
  action: (e: E, inner: Inner) => Promise<void>,
  modelAction: (app: App) => Promise<void>,
): Promise<void> {
  const me = newModelEvent();
  await modelHook.triggerSplit(
    me,
    modelHooksPriority,
    async (rest) => {
      kindEvent.app = me.app;
      const run = () =>
        kindHook.trigger(kindEvent, (e) =>
          action(e, () => {
            me.app = e.app;
            return rest();
          }),
        );
      await (wrap ? wrap(run) : run());
      me.app = kindEvent.app;
    },
    (m) => modelAction(m.app),
  );
}

const noAction = (): Promise<void> => Promise.resolve();
const innerOnly = <E>(_e: E, inner: Inner): Promise<void> => inner();

/** validateModel fires onModelValidate and the kind's validate hook around the kind's validation. */
export function validateModel<M extends Model, E extends AppEvent, EE extends E>(
  app: App,
  model: M,
  kind: ModelKind<M, E, EE>,
): Promise<void> {
  return fire(
    app.hooks.onModelValidate,
    () => new ModelEvent(app, model, "validate"),
    model,
    kind.hooks(app).validate,
    kind.newEvent(app, model, "validate"),
    null,
    (e, inner) => kind.validate(e, inner),
    noAction,
  );
}

/**
 * inOwnTransaction runs a write's stages in a transaction of their own when handlers are bound to them and
 * the app is not already in one: a handler that fails after `e.next()` then takes the write back with it.
 * Without handlers, the write is one statement (or makes its own transaction) and needs none.
 */
function inOwnTransaction(
  app: App,
  model: Model,
  stageHooks: readonly { hasHandlersFor(tags: readonly string[]): boolean }[],
  stages: (writer: App) => Promise<void>,
): Promise<void> {
  if (app.isTransactional()) return stages(app);
  const tags = model.hookTags();
  if (!stageHooks.some((h) => h.hasHandlersFor(tags))) return stages(app);
  return app.runInTransaction(stages);
}

/**
 * saveModel creates or updates a model through its hooks: create/update { (validate) execute { the row } },
 * then, once the transaction commits (at once outside of one), the after-success hooks; the after-error
 * hooks when anything fails, or the transaction rolls back.
 */
export function saveModel<M extends Model, E extends AppEvent, EE extends E>(
  app: App,
  model: M,
  kind: ModelKind<M, E, EE>,
  withValidation: boolean,
): Promise<void> {
  const isNew = model.isNew();
  const kindHooks = kind.hooks(app);
  const event = kind.newEvent(app, model, isNew ? "create" : "update");
  try {
    const lists = saveHooks(app, kindHooks);
    // the onModel* hooks match the model's tags, the kind's hooks their event's (a collection's differ)
    if (
      !anyHandlerFor(isNew ? lists.modelCreate : lists.modelUpdate, model.hookTags()) &&
      !anyHandlerFor(isNew ? lists.kindCreate : lists.kindUpdate, event.tags())
    )
      return saveUnhooked(app, model, kind, withValidation, isNew, event);
  } catch (err) {
    return Promise.reject(err);
  }
  return saveHooked(app, model, kind, withValidation, isNew, kindHooks, event);
}

type HookLike = { hasHandlersFor(tags: readonly string[]): boolean };

/** The hooks of a create's and an update's stages up to the write (not the after-success or error ones). */
interface SaveHooks {
  modelCreate: readonly HookLike[];
  modelUpdate: readonly HookLike[];
  kindCreate: readonly HookLike[];
  kindUpdate: readonly HookLike[];
}

const saveHooksOf = new WeakMap<object, SaveHooks>();

/** saveHooks lists the hooks a save fires, once per kind's hooks (one per registry). */
function saveHooks<E extends AppEvent, EE extends E>(app: App, kindHooks: KindHooks<E, EE>): SaveHooks {
  let lists = saveHooksOf.get(kindHooks);
  if (!lists) {
    const h = app.hooks;
    lists = {
      modelCreate: [h.onModelCreate, h.onModelValidate, h.onModelCreateExecute],
      modelUpdate: [h.onModelUpdate, h.onModelValidate, h.onModelUpdateExecute],
      kindCreate: [kindHooks.create, kindHooks.validate, kindHooks.createExecute],
      kindUpdate: [kindHooks.update, kindHooks.validate, kindHooks.updateExecute],
    };
    saveHooksOf.set(kindHooks, lists);
  }
  return lists;
}

function anyHandlerFor(hooks: readonly HookLike[], tags: readonly string[]): boolean {
  for (const h of hooks) if (h.hasHandlersFor(tags)) return true;
  return false;
}

/**
 * saveUnhooked is saveModel when no handler is bound to the stages up to the write (the after-success ones,
 * such as realtime's, may have some): the same steps in the same order (the kind's wrappers, validation, the
 * write, then the after-success stage once the transaction commits), without firing the empty hooks and the
 * closures and promises each firing makes, nor a transaction of its own. A failure fires the after-error
 * hooks as saveHooked does.
 */
async function saveUnhooked<M extends Model, E extends AppEvent, EE extends E>(
  app: App,
  model: M,
  kind: ModelKind<M, E, EE>,
  withValidation: boolean,
  isNew: boolean,
  event: E,
): Promise<void> {
  const type = isNew ? "create" : "update";
  try {
    await kind.around(app, model, type, () =>
      kind.beforeSave(event, () => {
        // a stage may hand the rest an app of its own (a collection's execute, its transaction); a validation
        // settled at once (every check synchronous) goes on without a turn of the queue
        const execute = () => kind.execute(event, () => kind.writeRow(event.app, model));
        try {
          if (!withValidation) return execute();
          const validated = kind.validate(kind.newEvent(event.app, model, "validate"), noAction);
          return Bun.peek.status(validated) === "fulfilled" ? execute() : validated.then(execute);
        } catch (err) {
          // a stage that throws fails the save as a rejection, as from the async function this was
          return Promise.reject(err);
        }
      }),
    );
  } catch (err) {
    try {
      if (isNew) model.markAsNew();
      await afterError(app, model, kind, type, err);
    } finally {
      await kind.saveFailed(app);
    }
    throw err;
  }
  // outside a transaction the write is stored: its after-success stage runs at once, without a callback
  if (!app.isTransactional()) return afterSaved(app, model, kind, event, isNew);
  await afterSavedOrRolledBack(app, model, kind, event, isNew);
}

/** saveHooked is saveModel with handlers bound to its stages: each stage fired through its hooks. */
async function saveHooked<M extends Model, E extends AppEvent, EE extends E>(
  app: App,
  model: M,
  kind: ModelKind<M, E, EE>,
  withValidation: boolean,
  isNew: boolean,
  kindHooks: KindHooks<E, EE>,
  event: E,
): Promise<void> {
  const type = isNew ? "create" : "update";
  const hooks = app.hooks;
  const stageHooks = isNew
    ? [hooks.onModelCreate, hooks.onModelCreateExecute, kindHooks.create, kindHooks.createExecute]
    : [hooks.onModelUpdate, hooks.onModelUpdateExecute, kindHooks.update, kindHooks.updateExecute];
  const stages = (writer: App) => {
    event.app = writer;
    return fire(
      isNew ? hooks.onModelCreate : hooks.onModelUpdate,
      () => new ModelEvent(writer, model, type),
      model,
      isNew ? kindHooks.create : kindHooks.update,
      event,
      (fn) => kind.around(writer, model, type, fn),
      (e, inner) => kind.beforeSave(e, inner),
      (current) => {
        const execute = () =>
          fire(
            isNew ? hooks.onModelCreateExecute : hooks.onModelUpdateExecute,
            () => new ModelEvent(current, model, type),
            model,
            isNew ? kindHooks.createExecute : kindHooks.updateExecute,
            event,
            null,
            (e, inner) => kind.execute(e, inner),
            (writer) => kind.writeRow(writer, model),
          );
        if (!withValidation) return execute();
        // without a frame of its own: a stage whose handlers and checks end at once ends at once (unwatched)
        const validated = validateModel(current, model, kind);
        return Bun.peek.status(validated) === "fulfilled" ? execute() : validated.then(execute);
      },
    );
  };
  // the after-error hooks run where the write ran (in its transaction, before the rollback); stages that
  // ended at once are passed on as they are, so their transaction can commit at once
  const attempt = (writer: App): Promise<void> => {
    let result: Promise<void>;
    try {
      result = stages(writer);
    } catch (err) {
      result = Promise.reject(err);
    }
    if (Bun.peek.status(result) === "fulfilled") return result;
    return result.catch(async (err: unknown) => {
      if (isNew) model.markAsNew();
      await afterError(writer, model, kind, type, err);
      throw err;
    });
  };
  try {
    await inOwnTransaction(app, model, stageHooks, attempt);
  } catch (err) {
    await kind.saveFailed(app);
    throw err;
  }
  await afterSavedOrRolledBack(app, model, kind, event, isNew);
}

/**
 * afterSavedOrRolledBack runs, once the transaction the write ran in ends (at once outside of one), the
 * after-success stage, or the after-error one when the transaction rolled back.
 */
function afterSavedOrRolledBack<M extends Model, E extends AppEvent, EE extends E>(
  app: App,
  model: M,
  kind: ModelKind<M, E, EE>,
  event: E,
  isNew: boolean,
): Promise<void> {
  return app.onTxComplete(async (txErr) => {
    if (txErr) {
      // the row it was saved as is gone with the rollback
      if (isNew) model.markAsNew();
      await afterError(app, model, kind, isNew ? "create" : "update", txErr);
      return;
    }
    await afterSaved(app, model, kind, event, isNew);
  });
}

/** afterSaved fires the after-success stage of a stored create or update. */
function afterSaved<M extends Model, E extends AppEvent, EE extends E>(
  app: App,
  model: M,
  kind: ModelKind<M, E, EE>,
  event: E,
  isNew: boolean,
): Promise<void> {
  event.app = app;
  const kindHooks = kind.hooks(app);
  return fire(
    isNew ? app.hooks.onModelAfterCreateSuccess : app.hooks.onModelAfterUpdateSuccess,
    () => new ModelEvent(app, model, isNew ? "create" : "update"),
    model,
    isNew ? kindHooks.afterCreateSuccess : kindHooks.afterUpdateSuccess,
    event,
    (fn) => kind.around(app, model, isNew ? "afterCreate" : "afterUpdate", fn),
    innerOnly,
    noAction,
  );
}

/**
 * deleteModel deletes a stored model through its hooks: delete { execute { the row } }, then the
 * after-success hooks once the transaction commits, or the after-error ones.
 */
export async function deleteModel<M extends Model, E extends AppEvent, EE extends E>(
  app: App,
  model: M,
  kind: ModelKind<M, E, EE>,
): Promise<void> {
  const hooks = app.hooks;
  const kindHooks = kind.hooks(app);
  const event = kind.newEvent(app, model, "delete");
  const stages = (writer: App) => {
    event.app = writer;
    return fire(
      hooks.onModelDelete,
      () => new ModelEvent(writer, model, "delete"),
      model,
      kindHooks.delete,
      event,
      (fn) => kind.around(writer, model, "delete", fn),
      innerOnly,
      async (current) => {
        if (model.lastSavedPk() === "")
          throw new Error("the model can be deleted only if it is existing and has a non-empty primary key");
        await fire(
          hooks.onModelDeleteExecute,
          () => new ModelEvent(current, model, "delete"),
          model,
          kindHooks.deleteExecute,
          event,
          null,
          (e, inner) => kind.deleteExecute(e, inner),
          (writer) => kind.deleteRow(writer, model),
        );
      },
    );
  };
  const stageHooks = [hooks.onModelDelete, hooks.onModelDeleteExecute, kindHooks.delete, kindHooks.deleteExecute];
  await inOwnTransaction(app, model, stageHooks, async (writer) => {
    try {
      await stages(writer);
    } catch (err) {
      await afterError(writer, model, kind, "delete", err);
      throw err;
    }
  });
  await app.onTxComplete(async (txErr) => {
    if (txErr) {
      await afterError(app, model, kind, "delete", txErr);
      return;
    }
    event.app = app;
    await fire(
      hooks.onModelAfterDeleteSuccess,
      () => new ModelEvent(app, model, "delete"),
      model,
      kindHooks.afterDeleteSuccess,
      event,
      (fn) => kind.around(app, model, "afterDelete", fn),
      innerOnly,
      noAction,
    );
    await kind.deleted(app, model);
  });
}

/** afterError fires the after-error hooks of a failed write (with the app it started with). */
function afterError<M extends Model, E extends AppEvent, EE extends E>(
  app: App,
  model: M,
  kind: ModelKind<M, E, EE>,
  type: ModelEventType,
  err: unknown,
): Promise<void> {
  const hooks = app.hooks;
  const kindHooks = kind.hooks(app);
  const [modelHook, kindHook, stage] =
    type === "create"
      ? ([hooks.onModelAfterCreateError, kindHooks.afterCreateError, "afterCreateError"] as const)
      : type === "update"
        ? ([hooks.onModelAfterUpdateError, kindHooks.afterUpdateError, "afterUpdateError"] as const)
        : ([hooks.onModelAfterDeleteError, kindHooks.afterDeleteError, "afterDeleteError"] as const);
  return fire(
    modelHook,
    () => new ModelErrorEvent(app, model, type, err),
    model,
    kindHook,
    kind.newErrorEvent(app, model, type, err),
    (fn) => kind.around(app, model, stage, fn),
    innerOnly,
    noAction,
  );
}
