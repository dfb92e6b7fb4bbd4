import type { ReadScope } from "../db/driver.ts";
import { parseFields, pick } from "../tools/picker/pick.ts";
import { jsonAnswer } from "../tools/router/answer-headers.ts";
import { badRequest } from "../tools/router/api-error.ts";
import { type ParsedBody, parseRequestBody } from "../tools/router/body.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import { AppEvent } from "./events.ts";
import { newReadScope, requesterKey } from "./read-scope.ts";
import type { RecordModel } from "./record-model.ts";
import type { RowRecords } from "./record-rows.ts";
import { trustedProxyIp } from "./settings-ip.ts";

export const defaultBodyLimit = 32 << 20;

/** Where a rule is being evaluated, as `@request.context` tells it. */
export type RequestContext =
  | "default"
  | "expand"
  | "realtime"
  | "protectedFile"
  | "batch"
  | "oauth2"
  | "otp"
  | "password";

/** What API rules can see of a request (`@request.*`). */
export interface RequestInfo {
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  method: string;
  auth: RecordModel | null;
  context: RequestContext;
}

/** The address of a request that came on no socket (one function for all: no closure made per event). */
const noIp = (): string => "";

/**
 * RequestEvent is one HTTP request as handlers and hooks see it: the request, its route parameters, the
 * authenticated record, and the response once a handler has set it.
 */
export class RequestEvent extends AppEvent {
  readonly request: Request;
  /** The parsed URL, made on first read (a view by id may never need it). */
  #url: URL | undefined;
  params: Readonly<Record<string, string>>;
  auth: RecordModel | null = null;
  response: Response | null = null;
  #realIp: string | undefined;
  #remoteIp: string | undefined;
  /** Looks the socket's address up when remoteIp or realIp is first read (many requests never read it). */
  resolveIp: () => string = noIp;
  /**
   * The headers every answer carries, a JSON answer is made with (answer-headers.ts): set while the default
   * middlewares, which would add them afterwards, run as they are; null otherwise.
   */
  answerHeaders: Headers | null = null;
  /** The limit applied when the body is read (routes with file fields raise it). */
  bodyLimit = defaultBodyLimit;
  context: RequestContext = "default";
  /** Shared by the events derived from this one, so the body is read once. */
  #shared: {
    body?: Promise<ParsedBody>;
    info?: RequestInfo;
    scope?: ReadScope;
    startedAt: number;
    /** The last answer made with answerHeaders. */
    madeAhead?: Response;
  } = {
    startedAt: performance.now(),
  };

  constructor(app: App, request: Request, params: Record<string, string> = {}, url?: URL) {
    super(app);
    this.request = request;
    this.#url = url;
    this.params = params;
  }

  get url(): URL {
    this.#url ??= new URL(this.request.url);
    return this.#url;
  }

  /** queryParam is a query parameter's value (null when absent), without parsing a URL that has no query. */
  queryParam(name: string): string | null {
    if (this.#url === undefined && !this.request.url.includes("?")) return null;
    return this.url.searchParams.get(name);
  }

  /** The IP of the client: the trusted proxy headers' (settings.trustedProxy), else the socket's address. */
  get realIp(): string {
    this.#realIp ??= trustedProxyIp(this.request.headers, this.app.settings().trustedProxy) ?? this.remoteIp;
    return this.#realIp;
  }

  /** The address of the socket the request came on. */
  get remoteIp(): string {
    this.#remoteIp ??= this.resolveIp();
    return this.#remoteIp;
  }

  set realIp(ip: string) {
    this.#realIp = ip;
  }

  /** body parses (once) and returns the request body. */
  body(): Promise<ParsedBody> {
    this.#shared.body ??= parseRequestBody(this.request, this.bodyLimit);
    return this.#shared.body;
  }

  /** setBody replaces the parsed body (used by hooks and internal sub-requests). */
  setBody(body: ParsedBody): void {
    this.#shared.body = Promise.resolve(body);
    this.#shared.info = undefined;
  }

  /** derive makes an event of a more specific kind for the same request, sharing its state. */
  derive<T extends RequestEvent>(
    ctor: new (app: App, request: Request, params: Record<string, string>, url?: URL) => T,
  ): T {
    const d = new ctor(this.app, this.request, this.params, this.#url);
    d.auth = this.auth;
    if (this.#realIp !== undefined) d.#realIp = this.#realIp;
    if (this.#remoteIp !== undefined) d.#remoteIp = this.#remoteIp;
    d.resolveIp = this.resolveIp;
    d.answerHeaders = this.answerHeaders;
    d.bodyLimit = this.bodyLimit;
    d.context = this.context;
    d.#shared = this.#shared;
    return d;
  }

  /**
   * readScope is what this request's reads share: a deadline for all of them (the query timeout from the
   * request's start) and the requester's key (its auth record, or its IP).
   */
  readScope(): ReadScope {
    this.#shared.scope ??= newReadScope(this.app, () => requesterKey(this.auth, this.realIp), this.#shared.startedAt);
    return this.#shared.scope;
  }

  isSuperuser(): boolean {
    return this.auth?.collection.name === "_superusers";
  }

  /** json sets a JSON response. */
  json(status: number, data: unknown): Response {
    // JSON.stringify takes a much slower path for an object with toJSON (a record, a collection)
    const value = hasToJSON(data) ? data.toJSON() : data;
    const fields = this.queryParam("fields");
    const body = fields && status >= 200 && status < 300 ? pickFields(value, fields) : JSON.stringify(value);
    const res = jsonAnswer(body, status, this.answerHeaders);
    if (this.answerHeaders !== null) this.#shared.madeAhead = res;
    this.response = res;
    return res;
  }

  /** madeAhead says whether res is an answer json made with answerHeaders (the middlewares have nothing to add). */
  madeAhead(res: Response): boolean {
    return this.#shared.madeAhead === res;
  }

  noContent(status = 204): Response {
    this.response = new Response(null, { status });
    return this.response;
  }

  /**
   * readyRequestInfo is requestInfo without a wait when the request has no body to read (a GET, most often),
   * else null: the caller then awaits requestInfo.
   */
  readyRequestInfo(): RequestInfo | null {
    if (!this.#shared.info) {
      if (this.#shared.body || !hasNoBody(this.request)) return null;
      this.#shared.info = lazyRequestInfo(this, {});
    }
    const info = this.#shared.info;
    if (info.auth === this.auth && info.context === this.context) return info;
    return requestInfoWith(info, { auth: this.auth, context: this.context });
  }

  /** requestInfo is the request as rules see it. */
  async requestInfo(): Promise<RequestInfo> {
    if (!this.#shared.info) {
      const { data } = await this.body().catch(() => ({ data: {} }));
      this.#shared.info = lazyRequestInfo(this, data);
    }
    // auth and context may change after the first call (auth responses, sub-requests)
    const info = this.#shared.info;
    if (info.auth === this.auth && info.context === this.context) return info;
    return requestInfoWith(info, { auth: this.auth, context: this.context });
  }
}

/** hasNoBody tells whether a request declares an empty body, or has none at all (a GET's, most often). */
function hasNoBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  return length === null ? request.body === null : length === "0";
}

function hasToJSON(data: unknown): data is { toJSON(): unknown } {
  return typeof data === "object" && data !== null && typeof (data as { toJSON?: unknown }).toJSON === "function";
}

/**
 * requestInfoWith copies a RequestInfo with some values replaced. A spread copy would read (and so build)
 * the lazy query and headers maps; this copy reads them from the original when asked.
 */
export function requestInfoWith(
  info: RequestInfo,
  changes: Partial<Pick<RequestInfo, "body" | "auth" | "context">>,
): RequestInfo {
  return {
    body: changes.body ?? info.body,
    method: info.method,
    auth: "auth" in changes ? (changes.auth ?? null) : info.auth,
    context: changes.context ?? info.context,
    get query() {
      return info.query;
    },
    get headers() {
      return info.headers;
    },
  };
}

/**
 * A RequestInfo whose query and headers maps are built on first read (most requests never read them). They
 * are own enumerable getters, so a spread copy still has them (read at the time of the copy).
 */
function lazyRequestInfo(e: RequestEvent, body: Record<string, unknown>): RequestInfo {
  let query: Record<string, string> | undefined;
  let headers: Record<string, string> | undefined;
  return {
    body,
    method: e.request.method,
    auth: e.auth,
    context: e.context,
    get query() {
      if (!query) {
        query = {};
        for (const [k, v] of e.url.searchParams) if (!(k in query)) query[k] = v;
      }
      return query;
    },
    get headers() {
      if (!headers) {
        headers = {};
        for (const [k, v] of e.request.headers) headers[k.toLowerCase().replaceAll("-", "_")] = v;
      }
      return headers;
    },
  };
}

/** A request about one collection: hooks bound to the collection's id or name see it. */
export class CollectionScopedRequestEvent extends RequestEvent {
  collection!: Collection;

  override tags(): readonly string[] {
    return this.collection.idAndName();
  }
}

/** RecordsListRequestEvent fires for `GET /api/collections/{c}/records`; `result` is the page sent back. */
export class RecordsListRequestEvent extends CollectionScopedRequestEvent {
  #records: RecordModel[] = [];
  #result: ListResult<RecordModel> | undefined;
  /** Answering from the rows: the rows whose records `records` and `result` make on first read. */
  #rows: RowRecords | null = null;
  #page: Omit<ListResult<RecordModel>, "items"> | null = null;

  get records(): RecordModel[] {
    if (this.#rows) this.#makeRecords();
    return this.#records;
  }

  set records(records: RecordModel[]) {
    if (this.#rows) this.#makeRecords();
    this.#records = records;
  }

  get result(): ListResult<RecordModel> {
    if (this.#rows) this.#makeRecords();
    return this.#result as ListResult<RecordModel>;
  }

  set result(result: ListResult<RecordModel>) {
    if (this.#rows) this.#makeRecords();
    this.#result = result;
  }

  /**
   * useRows sets the page from rows whose records are made only when a handler reads `records` or
   * `result`; until then untouchedRows gives them back, for an answer made straight from the rows.
   */
  useRows(rows: RowRecords, page: Omit<ListResult<RecordModel>, "items">): void {
    this.#rows = rows;
    this.#page = page;
  }

  /** untouchedRows are the rows of useRows while no handler read `records` or `result` (else null). */
  untouchedRows(): RowRecords | null {
    return this.#rows;
  }

  #makeRecords(): void {
    const records = (this.#rows as RowRecords).all();
    this.#rows = null;
    this.#records = records;
    this.#result = { ...(this.#page as Omit<ListResult<RecordModel>, "items">), items: records };
  }
}

/** RecordRequestEvent fires for a record view, create, update or delete request. */
export class RecordRequestEvent extends CollectionScopedRequestEvent {
  #record: RecordModel | null = null;
  /** Answering a view from its row: the row whose record `record` makes on first read. */
  #rows: RowRecords | null = null;

  get record(): RecordModel | null {
    if (this.#rows) {
      this.#record = this.#rows.at(0);
      this.#rows = null;
    }
    return this.#record;
  }

  set record(record: RecordModel | null) {
    this.#rows = null;
    this.#record = record;
  }

  /** useRow sets the record from a row (one of RowRecords), made only when a handler reads `record`. */
  useRow(rows: RowRecords): void {
    this.#rows = rows;
  }

  /** untouchedRow is the row of useRow while no handler read or set `record` (else null). */
  untouchedRow(): RowRecords | null {
    return this.#rows;
  }
}

export class CollectionsListRequestEvent extends RequestEvent {
  collections: Collection[] = [];
  result!: ListResult<Collection>;
}

export class CollectionRequestEvent extends RequestEvent {
  collection!: Collection;
}

export class CollectionsImportRequestEvent extends RequestEvent {
  collectionsData: Record<string, unknown>[] = [];
  deleteMissing = false;
}

export class RecordAuthRequestEvent extends CollectionScopedRequestEvent {
  record!: RecordModel;
  token = "";
  meta: unknown = undefined;
  authMethod = "";
}

export class RecordAuthWithPasswordRequestEvent extends CollectionScopedRequestEvent {
  record: RecordModel | null = null;
  identity = "";
  identityField = "";
  password = "";
}

export class RecordAuthRefreshRequestEvent extends CollectionScopedRequestEvent {
  record!: RecordModel;
}

/** A page of items, as list endpoints return it. */
export interface ListResult<T> {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: T[];
}

const listResultKeys = ["page", "perPage", "totalItems", "totalPages", "items"];

/**
 * pickFields serializes data keeping only the `fields` the client asked for (applied to each item of a
 * list result); a malformed expression is a 400.
 */
function pickFields(data: unknown, raw: string): string {
  let parsed: ReturnType<typeof parseFields>;
  try {
    parsed = parseFields(raw);
  } catch (err) {
    throw badRequest("", err);
  }
  const decoded: unknown = JSON.parse(JSON.stringify(data) ?? "null");
  const isList =
    typeof decoded === "object" &&
    decoded !== null &&
    listResultKeys.every((k) => k in (decoded as Record<string, unknown>));
  pick(isList ? (decoded as { items: unknown }).items : decoded, parsed);
  return JSON.stringify(decoded);
}
