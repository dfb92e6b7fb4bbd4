import { HookEvent } from "../tools/hook/hook.ts";
import type { TaggedEvent } from "../tools/hook/tagged-hook.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import type { Model } from "./db-model.ts";
import type { RecordModel } from "./record-model.ts";
import type { RowRecords } from "./record-rows.ts";
import type { RequestEvent } from "./request-event.ts";
import type { Router } from "./router.ts";

/** Every app event carries the app it runs in (inside a transaction: the transaction's app). */
export class AppEvent extends HookEvent {
  constructor(public app: App) {
    super();
  }
}

export class BootstrapEvent extends AppEvent {}

/**
 * ServeEvent fires before the HTTP server starts (and again after a restart, or when hook files are
 * reloaded): handlers add routes and middlewares to `router`.
 */
export class ServeEvent extends AppEvent {
  constructor(
    app: App,
    readonly router: Router,
    readonly listen: string,
    /**
     * remount builds a new router and fires onServe again with it; once every handler ran, later requests go
     * to it (those in flight finish on the old one, realtime connections stay). Hook files reloaded under
     * `--dev` use it.
     */
    readonly remount: () => Promise<void>,
  ) {
    super(app);
  }
}

export class TerminateEvent extends AppEvent {
  constructor(
    app: App,
    readonly isRestart: boolean,
  ) {
    super(app);
  }
}

export type ModelEventType = "create" | "update" | "delete" | "validate";

/**
 * ModelEvent is a save, delete or validation of any stored model (records and collections), as the onModel*
 * hooks see it; the onRecord* and onCollection* hooks fire inside them. Handlers bound to tags match a
 * record's collection id or name, or a collection's table (`_collections`).
 */
export class ModelEvent extends AppEvent implements TaggedEvent {
  constructor(
    app: App,
    public model: Model,
    readonly type: ModelEventType,
  ) {
    super(app);
  }

  override tags(): readonly string[] {
    return this.model.hookTags();
  }
}

/** ModelErrorEvent is a failed save or delete (onModelAfter*Error), with the error. */
export class ModelErrorEvent extends ModelEvent {
  constructor(
    app: App,
    model: Model,
    type: ModelEventType,
    readonly error: unknown,
  ) {
    super(app, model, type);
  }
}

/** RecordEvent is a record save, delete or validation. */
export class RecordEvent extends AppEvent implements TaggedEvent {
  constructor(
    app: App,
    public record: RecordModel,
    readonly type: ModelEventType,
  ) {
    super(app);
  }

  override tags(): readonly string[] {
    return this.record.hookTags();
  }
}

export class RecordErrorEvent extends RecordEvent {
  constructor(
    app: App,
    record: RecordModel,
    type: ModelEventType,
    readonly error: unknown,
  ) {
    super(app, record, type);
  }
}

/** RecordEnrichEvent fires for every record about to be sent to a client (list, view, realtime, expand). */
export class RecordEnrichEvent extends AppEvent implements TaggedEvent {
  #record: RecordModel | null;
  /** Answering from the rows (RowRecords): the row whose record `record` makes on first read. */
  #rows: RowRecords | null = null;
  #row = 0;

  constructor(
    app: App,
    record: RecordModel,
    readonly request: RequestEvent | null,
  ) {
    super(app);
    this.#record = record;
  }

  /** ofRow is the event of a row's record, which is made only if a handler reads `e.record`. */
  static ofRow(app: App, rows: RowRecords, i: number, request: RequestEvent | null): RecordEnrichEvent {
    const e = new RecordEnrichEvent(app, noRecord, request);
    e.#record = null;
    e.#rows = rows;
    e.#row = i;
    return e;
  }

  get record(): RecordModel {
    this.#record ??= (this.#rows as RowRecords).at(this.#row);
    return this.#record;
  }

  set record(record: RecordModel) {
    this.#record = record;
    this.#rows = null;
  }

  override tags(): readonly string[] {
    return this.#record === null ? (this.#rows as RowRecords).collection.idAndName() : this.#record.hookTags();
  }
}

/** What RecordEnrichEvent.ofRow passes its constructor, replaced at once (never read). */
const noRecord = null as unknown as RecordModel;

/** CollectionEvent is a collection save, delete or validation. */
export class CollectionEvent extends AppEvent implements TaggedEvent {
  constructor(
    app: App,
    public collection: Collection,
    readonly type: ModelEventType,
  ) {
    super(app);
  }

  override tags(): readonly string[] {
    return this.collection.idAndName();
  }
}

export class CollectionErrorEvent extends CollectionEvent {
  constructor(
    app: App,
    collection: Collection,
    type: ModelEventType,
    readonly error: unknown,
  ) {
    super(app, collection, type);
  }
}
