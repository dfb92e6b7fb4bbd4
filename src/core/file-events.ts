import type { Collection } from "./collection-model.ts";
import type { FileField } from "./field-file.ts";
import type { RecordModel } from "./record-model.ts";
import { RequestEvent } from "./request-event.ts";

/** FileTokenRequestEvent fires for `POST /api/files/token`; handlers may change the token sent back. */
export class FileTokenRequestEvent extends RequestEvent {
  /** The authenticated record the token is for. */
  record!: RecordModel;
  token = "";

  override tags(): readonly string[] {
    return this.record.hookTags();
  }
}

/**
 * FileDownloadRequestEvent fires before a record file is served (`GET /api/files/...`). Handlers may
 * serve another key or name; `thumbError` tells why a requested thumb fell back to the original.
 */
export class FileDownloadRequestEvent extends RequestEvent {
  collection!: Collection;
  record!: RecordModel;
  fileField!: FileField;
  /** The storage key that will be served. */
  servedPath = "";
  /** The file name given in Content-Disposition. */
  servedName = "";
  thumbError: Error | null = null;

  override tags(): readonly string[] {
    return this.collection.idAndName();
  }
}
