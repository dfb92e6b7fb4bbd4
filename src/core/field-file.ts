import type { ColumnKind } from "../db/dialect.ts";
import type { SqlValue } from "../db/sql.ts";
import { UploadedFile } from "../tools/filesystem/file.ts";
import { detectMimeType, mimeTypeMatches } from "../tools/filesystem/mime.ts";
import { thumbSizePattern } from "../tools/filesystem/thumb-size.ts";
import { toUniqueStringList } from "../tools/types/cast.ts";
import {
  each,
  errRequired,
  match,
  max,
  min,
  notIn,
  type Rule,
  ValidationError,
} from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import {
  Field,
  type FieldJSON,
  FieldJSONReader,
  type FieldSetter,
  type InterceptAction,
  type RecordValidateContext,
} from "./field.ts";
import { maxSafeInt } from "./field-rules.ts";
import { type FieldValueSchema, listModifiers, listValue, removeModifier, schemaRef } from "./field-value-schema.ts";
import { internalKeyPrefix, type RecordModel } from "./record-model.ts";

export const defaultFileMaxSize = 5 << 20;
const looseFilename = /^[^./\\][^/\\]+$/;
const uploadedKey = `${internalKeyPrefix}_uploaded_`;
const toDeleteKey = `${internalKeyPrefix}_toDelete_`;

type FileItem = string | UploadedFile;

/** fileName is the stored name of a file item. */
function fileName(item: FileItem): string {
  return typeof item === "string" ? item : item.name;
}

/** toFileList turns any value (names, JSON arrays of names, uploads) into a list of unique file items. */
function toFileList(raw: unknown): FileItem[] {
  let items: FileItem[];
  if (raw instanceof UploadedFile) items = [raw];
  else if (Array.isArray(raw))
    items = raw.flatMap((v): FileItem[] => (v instanceof UploadedFile ? [v] : toUniqueStringList(v)));
  else items = toUniqueStringList(raw);
  const seen = new Set<string>();
  return items.filter((f) => {
    const n = fileName(f);
    if (seen.has(n)) return false;
    seen.add(n);
    return true;
  });
}

function without(base: FileItem[], remove: FileItem[]): FileItem[] {
  const names = new Set(remove.map(fileName));
  return base.filter((f) => !names.has(fileName(f)));
}

/** The options of a file field (maxSize in bytes, 0 for the default; thumbs as `WxH` sizes). */
export type FileFieldOptions = {
  maxSelect: number;
  maxSize: number;
  mimeTypes: string[] | null;
  protected: boolean;
  required: boolean;
  thumbs: string[] | null;
};

/**
 * FileField holds file names (one, or a list when maxSelect > 1). Uploads assigned to it are stored when
 * the record is written, and files that leave the value are deleted from storage after the commit.
 */
export class FileField extends Field {
  readonly type = "file";
  maxSize: number;
  maxSelect: number;
  mimeTypes: string[] | null;
  thumbs: string[] | null;
  protected: boolean;
  required: boolean;

  constructor(json: Partial<FieldJSON> = {}) {
    super(json);
    const o = FieldJSONReader.of(json);
    this.maxSize = o.int("maxSize", "int64");
    this.maxSelect = o.int("maxSelect");
    this.mimeTypes = o.strList("mimeTypes");
    this.thumbs = o.strList("thumbs");
    this.protected = o.bool("protected");
    this.required = o.bool("required");
  }

  override isMultiple(): boolean {
    return this.maxSelect > 1;
  }

  columnKind(): ColumnKind {
    return this.isMultiple() ? "jsonArray" : "text";
  }

  prepareValue(raw: unknown): FileItem | FileItem[] {
    const list = toFileList(raw);
    if (this.isMultiple()) return list;
    return list[list.length - 1] ?? "";
  }

  override driverValue(value: unknown): SqlValue {
    const names = toFileList(value).map(fileName);
    if (this.isMultiple()) return JSON.stringify(names);
    return names[names.length - 1] ?? "";
  }

  override exportValue(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v: FileItem) => fileName(v));
    return value instanceof UploadedFile ? value.name : value;
  }

  options(): FileFieldOptions {
    return {
      maxSelect: this.maxSelect,
      maxSize: this.maxSize,
      mimeTypes: this.mimeTypes,
      protected: this.protected,
      required: this.required,
      thumbs: this.thumbs,
    };
  }

  effectiveMaxSize(): number {
    return this.maxSize > 0 ? this.maxSize : defaultFileMaxSize;
  }

  effectiveMaxSelect(): number {
    return Math.max(this.maxSelect, 1);
  }

  /** maxBodySize is the most bytes a request may upload to this field. */
  maxBodySize(): number {
    return this.effectiveMaxSize() * this.effectiveMaxSelect();
  }

  override findSetter(key: string): FieldSetter | undefined {
    const current = (r: RecordModel) => toFileList(r.getRaw(this.name));
    if (key === this.name) return (r, raw) => r.setRaw(this.name, this.prepareValue(raw));
    if (key === `+${this.name}`)
      return (r, raw) => r.setRaw(this.name, this.prepareValue([...toFileList(raw), ...current(r)]));
    if (key === `${this.name}+`)
      return (r, raw) => r.setRaw(this.name, this.prepareValue([...current(r), ...toFileList(raw)]));
    if (key === `${this.name}-`)
      return (r, raw) => r.setRaw(this.name, this.prepareValue(without(current(r), toFileList(raw))));
    return undefined;
  }

  /** unsavedFiles returns the uploads assigned to the field and not yet stored. */
  unsavedFiles(record: RecordModel): UploadedFile[] {
    return toFileList(record.getRaw(this.name)).filter((f): f is UploadedFile => f instanceof UploadedFile);
  }

  /**
   * File names in records; a create uploads files (multipart), an update uploads more or keeps stored ones by
   * name (leaving a name out deletes that file).
   */
  valueSchema(): FieldValueSchema {
    const multiple = this.isMultiple();
    const name = schemaRef("FileNameString");
    const upload = schemaRef("FileUpload");
    return {
      response: listValue(name, multiple, this.maxSelect),
      create: listValue(upload, multiple, this.maxSelect, false),
      update: listValue({ anyOf: [upload, name] }, multiple, this.maxSelect, false),
      requiredOnCreate: this.required,
      // a single file is deleted by name with `name-`
      modifiers: multiple ? listModifiers(this.name, upload, name, true) : [removeModifier(this.name, name)],
    };
  }

  async validateValue({ app, record }: RecordValidateContext): Promise<ValidationError | null> {
    const files = toFileList(record.getRaw(this.name));
    if (files.length === 0) return this.required ? errRequired() : null;
    const before = new Set(toFileList(await this.#storedValue(app, record)).map(fileName));
    const invalid = files.filter((f): f is string => typeof f === "string" && !before.has(f));
    if (invalid.length > 0) {
      return new ValidationError("validation_invalid_file", "Invalid new files: {{.invalidFiles}}.", {
        invalidFiles: invalid.map((s) => s.slice(0, 250)),
      });
    }
    const maxSelect = this.effectiveMaxSelect();
    if (files.length > maxSelect) {
      return new ValidationError("validation_too_many_files", "The maximum allowed files is {{.maxSelect}}", {
        maxSelect,
      });
    }
    for (const upload of files) {
      if (!(upload instanceof UploadedFile)) continue;
      const nameLength = [...upload.name].length;
      if (nameLength < 1 || nameLength > 150) {
        return new ValidationError(
          "validation_length_out_of_range",
          "the length must be between {{.min}} and {{.max}}",
          { max: 150, min: 1 },
        );
      }
      if (!looseFilename.test(upload.name))
        return new ValidationError("validation_match_invalid", "must be in a valid format");
      const maxSize = this.effectiveMaxSize();
      if (upload.size > maxSize) {
        return new ValidationError(
          "validation_file_size_limit",
          "Failed to upload {{.file}} - the maximum allowed file size is {{.maxSize}} bytes.",
          { file: upload.originalName.slice(0, 300), maxSize },
        );
      }
      if (this.mimeTypes && this.mimeTypes.length > 0) {
        const allowed = this.mimeTypes;
        const detected = detectMimeType(upload.data);
        if (!allowed.some((t) => mimeTypeMatches(detected, t))) {
          return new ValidationError(
            "validation_invalid_mime_type",
            `${JSON.stringify(upload.name)} mime type must be one of: ${allowed.join(", ")}.`,
          );
        }
      }
    }
    return null;
  }

  /** The field's value as stored in the database now (the record may be stale). */
  async #storedValue(app: App, record: RecordModel): Promise<unknown> {
    if (record.isNew()) return record.original().getRaw(this.name);
    const latest = await app.findRecordById(record.collection, record.lastSavedPk());
    return latest ? latest.getRaw(this.name) : record.original().getRaw(this.name);
  }

  /**
   * intercept stores uploads before the row is written (and removes them if the write fails), then,
   * after the commit, deletes the files the new value no longer references.
   */
  override async intercept(app: App, record: RecordModel, action: InterceptAction, next: () => Promise<void>) {
    switch (action) {
      case "createExecute":
      case "updateExecute": {
        const before = toFileList(await this.#storedValue(app, record));
        const uploads = this.unsavedFiles(record);
        const fs = app.filesystem();
        const dir = recordFilesPath(record);
        const stored: string[] = [];
        try {
          for (const u of uploads) {
            await fs.upload(`${dir}/${u.name}`, u.data, { originalName: u.originalName });
            stored.push(u.name);
          }
          await next();
        } catch (err) {
          await this.#deleteFiles(app, record, stored);
          if (action === "createExecute" && stored.length > 0) await this.#deleteEmptyFolder(app, record);
          throw err;
        }
        const now = toFileList(record.getRaw(this.name));
        record.setRaw(this.name, this.prepareValue(now.map(fileName)));
        record.setRaw(uploadedKey + this.name, stored);
        const dropped = without(before, now).map(fileName);
        record.setRaw(toDeleteKey + this.name, [
          ...((record.getRaw(toDeleteKey + this.name) as string[]) ?? []),
          ...dropped,
        ]);
        return;
      }
      case "afterCreateError":
      case "afterUpdateError": {
        // the row was written but the save failed afterwards (a hook threw after the write). Inside a
        // transaction the row is rolled back, so what this save stored goes too; outside of one the row
        // stays and names the new files, so they stay with it rather than leave it pointing at nothing
        const stored = (record.getRaw(uploadedKey + this.name) as string[] | undefined) ?? [];
        if (app.isTransactional() && stored.length > 0) {
          await this.#deleteFiles(app, record, stored);
          // a record that was never created leaves no folder behind either (as PocketBase)
          if (action === "afterCreateError") await this.#deleteEmptyFolder(app, record);
        }
        record.setRaw(uploadedKey + this.name, undefined);
        record.setRaw(toDeleteKey + this.name, undefined);
        return next();
      }
      case "afterCreate":
      case "afterUpdate": {
        record.setRaw(uploadedKey + this.name, undefined);
        const toDelete = (record.getRaw(toDeleteKey + this.name) as string[] | undefined) ?? [];
        const keep = new Set(toFileList(record.getRaw(this.name)).map(fileName));
        await this.#deleteFiles(
          app,
          record,
          toDelete.filter((n) => !keep.has(n)),
        );
        record.setRaw(toDeleteKey + this.name, undefined);
        return next();
      }
      default:
        return next();
    }
  }

  async #deleteEmptyFolder(app: App, record: RecordModel): Promise<void> {
    const fs = app.filesystem();
    const dir = `${recordFilesPath(record)}/`;
    try {
      if ((await fs.list(dir)).length === 0) await fs.deletePrefix(dir);
    } catch (err) {
      app.logger().warn("failed to delete the empty folder of a record", { folder: dir, error: String(err) });
    }
  }

  async #deleteFiles(app: App, record: RecordModel, names: string[]): Promise<void> {
    const fs = app.filesystem();
    const dir = recordFilesPath(record);
    for (const name of names) {
      if (name === "" || /[/\\]/.test(name)) continue;
      try {
        await fs.delete(`${dir}/${name}`);
        await fs.deletePrefix(`${dir}/thumbs_${name}/`);
      } catch (err) {
        app.logger().warn("failed to delete a record file", { file: name, error: String(err) });
      }
    }
  }

  protected optionRules(): Record<string, Rule[]> {
    return {
      maxSelect: [min(0), max(maxSafeInt)],
      maxSize: [min(0), max(maxSafeInt)],
      thumbs: [each(notIn("0x0", "0x0t", "0x0b", "0x0f"), match(thumbSizePattern))],
    };
  }
}

/** recordFilesPath is the storage folder of a record's files: `<collectionId>/<recordId>`. */
export function recordFilesPath(record: RecordModel): string {
  return record.baseFilesPath();
}
