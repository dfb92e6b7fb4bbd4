import type { App } from "../core/app.ts";
import { RecordModel } from "../core/record-model.ts";
import { superusersCollectionName } from "../core/record-model-superusers.ts";
import { refreshTokenKey } from "../core/record-save.ts";
import {
  sendRecordAuthAlert,
  sendRecordChangeEmail,
  sendRecordOtp,
  sendRecordPasswordReset,
  sendRecordVerification,
} from "../mails/record.ts";
import { nowDateTime } from "../tools/types/datetime.ts";
import { isEmail } from "../tools/validation/formats.ts";
import {
  inList,
  length,
  type Rule,
  required,
  ValidationError,
  validateObject,
} from "../tools/validation/validation.ts";

/** The templates a test email can use, by the name the dashboard sends. */
export const testEmailTemplates = ["verification", "password-reset", "email-change", "otp", "login-alert"] as const;

/** TestEmailSend sends one of an auth collection's emails to an address, filled with sample values. */
export class TestEmailSend {
  email = "";
  template = "";
  /** The auth collection whose templates to use (`_superusers` when empty). */
  collection = "";

  constructor(readonly app: App) {}

  /** validate returns the form's field errors (empty when valid). */
  validate() {
    const authCollection: Rule = (v) => {
      if (typeof v !== "string" || v === "") return null;
      return this.app.findCachedCollectionByNameOrId(v)?.type === "auth"
        ? null
        : new ValidationError("validation_invalid_auth_collection", "Must be a valid auth collection id or name.");
    };
    const emailFormat: Rule = (v) =>
      typeof v === "string" && v !== "" && !isEmail(v)
        ? new ValidationError("validation_is_email", "must be a valid email address")
        : null;
    return validateObject(
      { collection: this.collection, email: this.email, template: this.template },
      {
        collection: [length(1, 255), authCollection],
        email: [required, length(1, 255), emailFormat],
        template: [required, inList(...testEmailTemplates)],
      },
    );
  }

  /**
   * submit validates the form (throwing ValidationErrors) and sends the email for a sample record whose
   * visible fields read `__pb_test_<field>__`, with the form's address as its email.
   */
  async submit(): Promise<void> {
    this.validate().throwIfAny();
    const collection = this.app.findCachedCollectionByNameOrId(this.collection || superusersCollectionName);
    if (!collection) throw new Error(`missing collection ${this.collection}`);
    const record = new RecordModel(collection);
    for (const field of collection.fields) {
      if (!field.hidden) record.set(field.name, `__pb_test_${field.name}__`);
    }
    refreshTokenKey(record);
    record.set("email", this.email);
    switch (this.template) {
      case "verification":
        return sendRecordVerification(this.app, record);
      case "password-reset":
        return sendRecordPasswordReset(this.app, record);
      case "email-change":
        return sendRecordChangeEmail(this.app, record, this.email);
      case "otp":
        return sendRecordOtp(this.app, record, "_PB_TEST_OTP_ID_", "123456");
      default:
        return sendRecordAuthAlert(this.app, record, `${nowDateTime()} - TEST_IP TEST_USER_AGENT`);
    }
  }
}
