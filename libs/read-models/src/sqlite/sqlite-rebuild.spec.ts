import { PROJECTIONS } from '../registry';
import { resolveTables, selectProjections } from './sqlite-rebuild';

describe('replay scope', () => {
  it('a full replay covers every read-model table of the scratch copy, also tables not named after a projection', () => {
    const scope = selectProjections();
    expect(scope.projections).toEqual(PROJECTIONS.map((p) => p.name));
    const scratch = ['transactions', 'period_documents', 'period_liability', 'projection_checkpoints', 'sqlite_sequence', 'transactions__new'];
    expect(resolveTables(scope, scratch)).toEqual({ tables: ['transactions', 'period_documents', 'period_liability'], missing: [] });
  });

  it('one projection covers its own tables; a table it names that the copy lacks is reported; unknown names throw', () => {
    expect(selectProjections('transactions')).toEqual({ projections: ['transactions'], tables: ['transactions'] });
    expect(resolveTables({ projections: ['x'], tables: ['a', 'b'] }, ['a', 'c'])).toEqual({ tables: ['a'], missing: ['b'] });
    expect(() => selectProjections('nope')).toThrow(/Unknown projection "nope"; known: transactions/);
  });
});
