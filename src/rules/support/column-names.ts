/**
 * The names Postgres derives from expressions: an output column without an alias, and an
 * element of an index or exclusion constraint without a name (for the name of the index).
 */
import type { IndexElem, Node } from '@pgsql/types';
import { nodeAs, nodeType } from '../../core/ast.js';

/**
 * The name Postgres gives an output column without an alias, and how sure the guess is
 * (FigureColnameInternal in src/backend/parser/parse_target.c: 2 a real name, 1 a type or
 * keyword name, 0 "?column?"); undefined for expressions not modelled here.
 */
export function figureColumnName(node: Node | undefined): { name: string; strength: number } | undefined {
  const kind = nodeType(node);
  const payload = (node as Record<string, Record<string, unknown>> | undefined)?.[kind ?? ''];
  if (!payload) return undefined;
  const lastString = (nodes: unknown) => nodeAs<{ sval?: string }>((nodes as Node[] | undefined)?.at(-1), 'String')?.sval;
  switch (kind) {
    case 'ColumnRef':
    case 'A_Indirection': {
      const name = lastString(kind === 'ColumnRef' ? payload.fields : payload.indirection);
      return name ? { name, strength: 2 } : kind === 'A_Indirection' ? figureColumnName(payload.arg as Node) : undefined;
    }
    case 'FuncCall': {
      const name = lastString(payload.funcname);
      return name ? { name, strength: 2 } : undefined;
    }
    case 'TypeCast': {
      const inner = figureColumnName(payload.arg as Node);
      const typeName = lastString((payload.typeName as { names?: Node[] } | undefined)?.names);
      return inner && inner.strength <= 1 && typeName ? { name: typeName, strength: 1 } : inner;
    }
    case 'CollateClause':
      return figureColumnName(payload.arg as Node);
    case 'CaseExpr': {
      const inner = payload.defresult ? figureColumnName(payload.defresult as Node) : { name: '?column?', strength: 0 };
      return inner && inner.strength <= 1 ? { name: 'case', strength: 1 } : inner;
    }
    case 'A_Expr':
      return payload.kind === 'AEXPR_NULLIF' ? { name: 'nullif', strength: 2 } : { name: '?column?', strength: 0 };
    case 'A_ArrayExpr':
      return { name: 'array', strength: 2 };
    case 'RowExpr':
      return { name: 'row', strength: 2 };
    case 'CoalesceExpr':
      return { name: 'coalesce', strength: 2 };
    case 'MinMaxExpr':
      return { name: payload.op === 'IS_GREATEST' ? 'greatest' : 'least', strength: 2 };
    case 'SubLink':
      return payload.subLinkType === 'EXISTS_SUBLINK' ? { name: 'exists', strength: 2 } : payload.subLinkType === 'ARRAY_SUBLINK' ? { name: 'array', strength: 2 } : undefined;
    case 'A_Const':
    case 'ParamRef':
    case 'BoolExpr':
    case 'NullTest':
    case 'BooleanTest':
      return { name: '?column?', strength: 0 };
    default:
      return undefined;
  }
}

/**
 * The name an element of an unnamed index or exclusion constraint contributes to its name
 * (ChooseIndexColumnNames in src/backend/commands/indexcmds.c: the column, or for an
 * expression FigureIndexColname's name, else `expr`). Checked on PGlite: `abs(room)` gives
 * `abs`, `room::bigint` gives `room`, `room + 1` gives `expr`.
 */
export function indexElementName(element: Node | undefined): string {
  const elem = nodeAs<IndexElem>(element, 'IndexElem');
  if (elem?.name) return elem.name;
  const figured = figureColumnName(elem?.expr);
  return figured && figured.strength > 0 ? figured.name : 'expr';
}
