import { castString, toUniqueStringList } from "../tools/types/cast.ts";
import { errRequired, min, type Rule, required, ValidationError, when } from "../tools/validation/validation.ts";
import { type FieldJSON, FieldJSONReader, type FieldSettingsContext, type RecordValidateContext } from "./field.ts";
import { ListValueField } from "./field-select.ts";
import { type FieldValueSchema, listModifiers, listValue, schemaRef } from "./field-value-schema.ts";

/** The options of a relation field: the related collection and how many records it may hold. */
export type RelationFieldOptions = {
  cascadeDelete: boolean;
  collectionId: string;
  maxSelect: number;
  minSelect: number;
  required: boolean;
};

/** RelationField holds the id (or ids) of records of another collection. */
export class RelationField extends ListValueField {
  readonly type = "relation";
  collectionId: string;
  cascadeDelete: boolean;
  minSelect: number;

  constructor(json: Partial<FieldJSON> = {}) {
    super(json);
    const o = FieldJSONReader.of(json);
    this.collectionId = o.str("collectionId");
    this.cascadeDelete = o.bool("cascadeDelete");
    this.minSelect = o.int("minSelect");
  }

  options(): RelationFieldOptions {
    return {
      cascadeDelete: this.cascadeDelete,
      collectionId: this.collectionId,
      maxSelect: this.maxSelect,
      minSelect: this.minSelect,
      required: this.required,
    };
  }

  /** Record ids of the related collection: one ("" when unset) or a list. */
  valueSchema(): FieldValueSchema {
    const id = schemaRef("RecordIdString");
    const value = listValue(id, this.isMultiple(), this.maxSelect);
    return {
      response: value,
      create: value,
      update: value,
      requiredOnCreate: this.required || this.minSelect > 0,
      modifiers: listModifiers(this.name, id, id, this.isMultiple()),
    };
  }

  async validateValue({ app, record }: RecordValidateContext): Promise<ValidationError | null> {
    const ids = toUniqueStringList(record.getRaw(this.name));
    if (ids.length === 0) return this.required ? errRequired() : null;
    if (this.minSelect > 0 && ids.length < this.minSelect) {
      return new ValidationError("validation_not_enough_values", "Select at least {{.minSelect}}", {
        minSelect: this.minSelect,
      });
    }
    const tooMany = this.tooManyValues(ids.length);
    if (tooMany) return tooMany;
    const target = app.findCachedCollectionByNameOrId(this.collectionId);
    if (!target)
      return new ValidationError(
        "validation_missing_rel_collection",
        "Relation connection is missing or cannot be accessed",
      );
    const found = await app.countRecordsByIds(target, ids);
    return found === ids.length
      ? null
      : new ValidationError(
          "validation_missing_rel_records",
          "Failed to find all relation records with the provided ids",
        );
  }

  protected optionRules(ctx: FieldSettingsContext): Record<string, Rule[]> {
    return {
      collectionId: [required, (v) => this.#checkCollection(ctx, castString(v))],
      minSelect: [min(0)],
      maxSelect: [when(this.minSelect > 0, required), min(this.minSelect)],
    };
  }

  #checkCollection(ctx: FieldSettingsContext, id: string): ValidationError | null {
    if (id === "") return null;
    const old = ctx.originalField;
    if (old instanceof RelationField && old.collectionId !== id) {
      return new ValidationError("validation_field_relation_change", "The relation collection cannot be changed.");
    }
    // a collection may point to itself, including while it is being created
    const target = id === ctx.collection.id ? ctx.collection : ctx.app.findCachedCollectionByNameOrId(id);
    if (!target || target.id !== id) {
      return new ValidationError(
        "validation_field_relation_missing_collection",
        "The relation collection doesn't exist.",
      );
    }
    if (ctx.collection.type !== "view" && target.type === "view") {
      return new ValidationError(
        "validation_relation_field_non_view_base_collection",
        "Only view collections are allowed to have relations to other views.",
      );
    }
    return null;
  }
}
