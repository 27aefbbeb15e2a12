import {
  type ColumnDefinitionNode,
  DefaultQueryCompiler,
  FromNode,
  GeneratedNode,
  type LimitNode,
  type OffsetNode,
  type OnConflictNode,
  type OnDuplicateKeyNode,
  SelectQueryNode,
  TableNode,
  type TopNode,
} from 'kysely';

const DOUBLE_QUOTE = /"/g;

/**
 * Compiles Kysely's operation trees to Firebird 3 SQL: `?` parameters, double-quoted identifiers
 * (so they keep their case), `ROWS n` instead of `LIMIT`, `OFFSET n ROWS FETCH NEXT m ROWS ONLY`
 * for paging, `FIRST n` for `top`, and `FROM RDB$DATABASE` for a select without a table.
 */
export class FirebirdQueryCompiler extends DefaultQueryCompiler {
  protected override getCurrentParameterPlaceholder(): string {
    return '?';
  }

  protected override getLeftIdentifierWrapper(): string {
    return '"';
  }

  protected override getRightIdentifierWrapper(): string {
    return '"';
  }

  protected override sanitizeIdentifier(identifier: string): string {
    return identifier.replace(DOUBLE_QUOTE, '""');
  }

  /** `autoIncrement()` is an identity column, which Firebird wants right after the type. */
  protected override visitColumnDefinition(node: ColumnDefinitionNode): void {
    super.visitColumnDefinition(
      node.autoIncrement && !node.generated
        ? {
            ...node,
            autoIncrement: undefined,
            generated: GeneratedNode.create({ byDefault: true, identity: true }),
          }
        : node,
    );
  }

  protected override visitSelectQuery(node: SelectQueryNode): void {
    let compiled = node;
    // Firebird has no FROM-less SELECT; its one-row system table stands in (`select 1` works).
    if (!compiled.from) compiled = { ...compiled, from: FromNode.create([TableNode.create('RDB$DATABASE')]) };
    // Firebird cannot combine ROWS with OFFSET: with an offset, the limit becomes the FETCH NEXT
    // that visitOffset writes (it reads the limit from the original node, still on the stack).
    if (compiled.offset && compiled.limit) compiled = SelectQueryNode.cloneWithoutLimit(compiled);
    super.visitSelectQuery(compiled);
  }

  /** `ROWS n`, which works in SELECT, UPDATE and DELETE alike. */
  protected override visitLimit(node: LimitNode): void {
    this.append('rows ');
    this.visitNode(node.limit);
  }

  protected override visitOffset(node: OffsetNode): void {
    this.append('offset ');
    this.visitNode(node.offset);
    this.append(' rows');
    const parent = this.parentNode;
    if (parent && SelectQueryNode.is(parent) && parent.limit) {
      this.append(' fetch next ');
      this.visitNode(parent.limit.limit);
      this.append(' rows only');
    }
  }

  protected override visitTop(node: TopNode): void {
    const parent = this.parentNode;
    if (!parent || !SelectQueryNode.is(parent) || node.modifiers) {
      throw new Error(
        'Firebird supports top(n) only in a SELECT and without modifiers; use limit() instead.',
      );
    }
    this.append(`first ${node.expression}`);
  }

  protected override visitOnConflict(_: OnConflictNode): void {
    throw new Error(
      'Firebird has no ON CONFLICT; use `UPDATE OR INSERT ... MATCHING (...)` or MERGE through sql``.',
    );
  }

  protected override visitOnDuplicateKey(_: OnDuplicateKeyNode): void {
    throw new Error(
      'Firebird has no ON DUPLICATE KEY UPDATE; use `UPDATE OR INSERT ... MATCHING (...)` through sql``.',
    );
  }
}
