import type { App } from "../core/app.ts";
import { PasswordValue } from "../core/field-password.ts";
import type { RecordModel } from "../core/record-model.ts";
import { castString } from "../tools/types/cast.ts";
import { errRequired, ValidationError, ValidationErrors } from "../tools/validation/validation.ts";

type AccessLevel = "default" | "manager" | "superuser";

const mismatch = () => new ValidationError("validation_values_mismatch", "Values don't match.");

/**
 * RecordUpsert applies a request body to a record and saves it, with the extra rules of auth records:
 * `password` + `passwordConfirm` on create, `oldPassword` to change a password, and `email`/`verified`
 * changes reserved to managers (superusers or the manage rule).
 */
export class RecordUpsert {
  #access: AccessLevel = "default";
  #password = "";
  #passwordConfirm = "";
  #oldPassword = "";

  constructor(
    public app: App,
    public record: RecordModel,
  ) {}

  grantSuperuserAccess(): void {
    this.#access = "superuser";
  }

  grantManagerAccess(): void {
    this.#access = "manager";
  }

  hasManageAccess(): boolean {
    return this.#access !== "default";
  }

  /** load sets the body's keys; hidden fields sent by non-superusers keep their stored values. */
  load(data: Record<string, unknown>): void {
    const isAuth = this.record.collection.type === "auth";
    if (isAuth) {
      if ("password" in data) this.#password = castString(data.password);
      if ("passwordConfirm" in data) this.#passwordConfirm = castString(data.passwordConfirm);
      if ("oldPassword" in data) this.#oldPassword = castString(data.oldPassword);
    }
    // the values before the load, which hidden fields sent by non-superusers keep (none to keep: not made)
    const original =
      this.#access !== "superuser" && this.record.collection.fields.some((f) => f.hidden)
        ? this.record.original()
        : null;
    for (const k of Object.keys(data)) {
      if (k === "expand" || (isAuth && (k === "passwordConfirm" || k === "oldPassword"))) continue;
      const field = this.record.setIfFieldExists(k, data[k]);
      if (original && field?.hidden && !(isAuth && field.name === "password")) {
        this.record.setRaw(field.name, original.getRaw(field.name));
      }
    }
  }

  /** submit checks the auth-specific rules, then validates and saves the record through the hooks. */
  submit(): Promise<void> {
    // only auth records have form rules of their own: the others go to the save as they are
    if (this.record.collection.type !== "auth") return this.app.save(this.record);
    return this.#validateFormFields().then(() => this.app.save(this.record));
  }

  async #validateFormFields(): Promise<void> {
    if (this.record.collection.type !== "auth") return;
    const record = this.record;
    const isNew = record.isNew();
    const original = record.original();
    // a password set by code (not the one in the body) skips the body's password checks
    const current = record.getRaw("password");
    const skipPasswordChecks =
      current instanceof PasswordValue &&
      ((current.plain !== "" && current.plain !== this.#password) ||
        (current.plain === "" && current.hash !== "" && isNew));
    const errs = new ValidationErrors();
    if (!isNew && !this.hasManageAccess() && record.email() !== original.email()) errs.set("email", mismatch());
    if (!this.hasManageAccess() && record.verified() !== original.verified()) errs.set("verified", mismatch());
    if (!skipPasswordChecks) {
      if ((isNew || this.#passwordConfirm !== "" || this.#oldPassword !== "") && this.#password === "")
        errs.set("password", errRequired());
      if ((isNew || this.#password !== "" || this.#oldPassword !== "") && this.#passwordConfirm === "") {
        errs.set("passwordConfirm", errRequired());
      } else if (this.#passwordConfirm !== this.#password) errs.set("passwordConfirm", mismatch());
      if (!isNew && !this.hasManageAccess() && (this.#password !== "" || this.#passwordConfirm !== "")) {
        if (this.#oldPassword === "") errs.set("oldPassword", errRequired());
        else {
          const stored = original.getRaw("password");
          const ok = stored instanceof PasswordValue && (await stored.validate(this.#oldPassword));
          if (!ok)
            errs.set(
              "oldPassword",
              new ValidationError("validation_invalid_old_password", "Missing or invalid old password."),
            );
        }
      }
    }
    errs.throwIfAny();
  }
}
