import { CallMemo, iterateInCallScope, withCallScope } from '../../src/core/call-scope';

// A library keeps no process-wide state between calls: a memo lives for one call.

describe('CallMemo', () => {
  const memo = new CallMemo(() => new Set<string>());

  test('outside any call, a memo is a new, empty one each time', () => {
    memo.get().add('a');
    expect(memo.get().size).toBe(0);
    expect(memo.get()).not.toBe(memo.get());
  });

  test('within a call, one memo for the whole call; the next call starts empty', () => {
    const first = withCallScope(() => {
      memo.get().add('a');
      expect(memo.get().has('a')).toBe(true);
      return memo.get();
    });
    withCallScope(() => expect(memo.get()).not.toBe(first));
    withCallScope(() => expect(memo.get().size).toBe(0));
    expect(memo.get().size).toBe(0);
  });

  test('a nested call joins the outer one, and the outer call goes on with its memo', () => {
    withCallScope(() => {
      const outer = memo.get();
      withCallScope(() => {
        expect(memo.get()).toBe(outer);
        memo.get().add('inner');
      });
      expect(memo.get()).toBe(outer);
      expect(outer.has('inner')).toBe(true);
    });
  });

  test('a call given its own scope uses it, and the outer scope is back afterwards, also when it throws', () => {
    withCallScope(() => {
      const outer = memo.get();
      const own = new Map();
      expect(() => withCallScope(() => {
        expect(memo.get()).not.toBe(outer);
        throw new Error('boom');
      }, own)).toThrow('boom');
      expect(memo.get()).toBe(outer);
      expect(own.get(memo)).toBeInstanceOf(Set);
    });
    expect(() => withCallScope(() => {
      memo.get().add('x');
      throw new Error('boom');
    })).toThrow('boom');
    expect(memo.get().size).toBe(0);
  });
});

describe('iterateInCallScope', () => {
  const memo = new CallMemo(() => ({ made: 0 }));
  function* steps(): Generator<number> {
    for (let i = 0; i < 3; i++) yield ++memo.get().made;
  }

  test('the steps of one iteration share a memo; another iteration has its own', () => {
    const twice = { [Symbol.iterator]: () => iterateInCallScope(steps()) };
    expect([...twice]).toEqual([1, 2, 3]);
    expect([...twice]).toEqual([1, 2, 3]);
    expect(memo.get().made).toBe(0);
  });

  test('an iteration started in a call shares the memo of that call', () => {
    withCallScope(() => {
      memo.get().made = 10;
      expect([...iterateInCallScope(steps())]).toEqual([11, 12, 13]);
    });
  });

  test('breaking out of an iteration ends the inner one', () => {
    let finished = false;
    function* inner(): Generator<number> {
      try {
        yield 1;
        yield 2;
      } finally {
        finished = true;
      }
    }
    for (const x of iterateInCallScope(inner())) if (x === 1) break;
    expect(finished).toBe(true);
  });
});
