import * as t from 'io-ts';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Which objects a {@link withFastPath} codec made itself. Only those may be
 * handed back as they are: they are plain data the codec built, so reading
 * them again gives what was checked.
 *
 * @internal
 */
export interface Provenance {
  /** True when the codec built `o` (and returned it, or a value holding it). */
  readonly owns: (o: object) => boolean;
  /** Records `o` as built by the codec; returns it. */
  readonly adopt: <O extends object>(o: O) => O;
}

/**
 * The hand-written half of a {@link withFastPath} codec.
 *
 * @internal
 */
export interface FastPath<A> {
  /**
   * Reads `u` once into a fresh plain value holding everything the structure
   * reads (and nothing it would strip), so that nothing of `u` is read again;
   * `u` itself when it is not something the structure reads into (a
   * primitive, an array: the structure rejects it as a whole).
   */
  readonly snapshot: (u: unknown) => unknown;
  /**
   * Decodes `own`, a value the codec owns, when it is sure: the decoded value,
   * or `undefined` ("not sure": the structure then decides and explains).
   * `fresh` says what `own` is:
   * - `true`: a snapshot just taken (always a copy: a snapshot that is the
   *   input itself goes straight to the structure), which it may normalise in
   *   place and return;
   *   it adopts ({@link Provenance.adopt}) any nested object it returns;
   * - `false`: a value the codec returned before; it returns `own` itself when
   *   decoding would not change it (every nested object also owned), otherwise
   *   `undefined`, and never changes it.
   */
  readonly check: (own: unknown, fresh: boolean, provenance: Provenance) => A | undefined;
  /** Adopts the nested objects of a value the structure decoded from a snapshot (the codec adopts the value itself). */
  readonly adoptNested: (value: A, provenance: Provenance) => void;
}

/**
 * What {@link withFastPath} builds: a codec that decodes like `structure`,
 * quickly when it can.
 *
 * @internal
 */
export class FastPathType<A, O> extends t.Type<A, O, unknown> {
  readonly _tag = 'FastPathType' as const;
  constructor(
    name: string,
    /** The definition: what is valid, what it decodes to, and the words of each failure. */
    readonly structure: t.Type<A, O, unknown>,
    validate: t.Validate<unknown, A>,
  ) {
    super(name, structure.is, validate, structure.encode);
  }

  /** Decoding without the default context, which only a failure needs (the structure's own entry is added then). */
  override decode(u: unknown): t.Validation<A> {
    return this.validate(u, NO_CONTEXT);
  }
}

const NO_CONTEXT: t.Context = [];

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const isObject = (u: unknown): u is object => typeof u === 'object' && u !== null;

/**
 * A fresh {@link Provenance}: it stamps an object with a private field of a
 * class of its own (the constructor returns the object it is given, so the
 * object stays a plain object, with no key anyone can see, serialise or copy).
 * A Proxy never has its target's private fields, and nothing outside this
 * closure can stamp an object, so `owns` cannot be faked. About 30 ns a
 * stamp, where a `WeakSet` costs close to a microsecond per `add`.
 */
/** A base whose constructor returns its argument: a subclass's fields are then added to that object. */
class ReturnsItsArgument {
  constructor(o: object) {
    return o;
  }
}

const brand = (): Provenance => {
  class Stamp extends ReturnsItsArgument {
    #owned = true;
    static owns(o: object): boolean {
      return #owned in o;
    }
  }
  return {
    owns: Stamp.owns,
    adopt: (o) => (new Stamp(o), o),
  };
};

/**
 * `structure`, decoded through a hand-written `fast` path where that path is
 * sure, read once. The contract, for inputs whose reads are stable (plain data):
 *
 * 1. It never accepts what `structure` rejects, and it builds the same value
 *    (deep-equal) `structure` builds; a failure is always `structure`'s own,
 *    with its paths and words.
 * 2. It returns the input itself only when the input is a value this codec
 *    returned before and `fast.check` finds nothing to change (for such a
 *    value that is exactly when io-ts would return it itself); any other
 *    input gets a fresh value, even where io-ts would return the input itself.
 *    That is the one departure from io-ts, and it is deliberate: API.md says a
 *    member object is never read again after it was checked, and an object
 *    the caller made may read differently later (a getter, a Proxy). So the
 *    input is read once, by `fast.snapshot`, and both paths check that
 *    snapshot: what is checked is what is returned, and what is returned is
 *    what gets sent. A value the codec returned is its own plain data (stamped
 *    by {@link Provenance}; a Proxy of it is not), so checking it again and
 *    handing it back copies nothing (the re-check before sending).
 * 3. Reads that are not stable (a getter that changes) are read once: what the
 *    first read gave is checked and returned, never a later read.
 *
 * @example
 * import { MemberInput } from 'vitable-connect-rx';
 * // internal (lib/codecs/with-fast-path.ts): MemberInput is built with it
 * // withFastPath(MemberInputStructure, memberFastPath(today))
 * MemberInput.decode({}); // Left: structure's issues
 *
 * @internal
 */
export const withFastPath = <A, O>(
  structure: t.Type<A, O, unknown>,
  fast: FastPath<A>,
  name: string = structure.name,
): FastPathType<A, O> => {
  const provenance = brand();
  const adoptValue = (a: A): A => {
    if (isObject(a)) provenance.adopt(a);
    return a;
  };
  return new FastPathType<A, O>(name, structure, (u, c) => {
    if (isObject(u) && provenance.owns(u) && fast.check(u, false, provenance) === u) return t.success(u as A);
    const own = fast.snapshot(u);
    // a snapshot that is the input itself (not something the structure reads into) is the structure's to judge
    const decoded = own === u ? undefined : fast.check(own, true, provenance);
    if (decoded !== undefined) return t.success(adoptValue(decoded));
    const result = structure.validate(own, t.appendContext(c, '', structure, own));
    if (result._tag === 'Left') return result;
    fast.adoptNested(result.right, provenance);
    return t.success(adoptValue(result.right));
  });
};
