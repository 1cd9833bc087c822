// bijectTo and transformTo (torch.distributions.biject_to, transform_to; constraint_registry.py):
// the transform from unconstrained reals onto a constraint's set, looked up as PyTorch's by the
// constraint's class (the nearest registered one along its prototype chain: greaterThan's,
// interval's …) and built from its parameters, or, for a plain Constraint (real, simplex,
// lowerCholesky … and those made with new Constraint), by the instance itself.
// bijectTo's are bijective (for HMC, a density through them); transformTo's need only land in
// the set (for optimisation). PyTorch's table, with one difference in form: greaterThan(0)
// (positive) and greaterThanEq(0) (nonnegative) give ExpTransform itself, which PyTorch's table
// registers for them before its greater_than entry overrides it with Exp then Affine(0, 1), the
// same map.
import { ValueError } from '../../errors.js';
import { guardArity } from '../../arity.js';
import { sub } from '../../ops/table/binary.js';
import {
  CatConstraint, Constraint, GreaterThan, GreaterThanEq, HalfOpenInterval, IndependentConstraint, Interval, LessThan, StackConstraint, corrCholesky,
  lowerCholesky, positiveDefinite, positiveSemidefinite, real, simplex,
} from './constraint.js';
import { AffineTransform, ExpTransform, SigmoidTransform, SoftmaxTransform } from './elementwise.js';
import { CatTransform, IndependentTransform, StackTransform } from './functors.js';
import { LowerCholeskyTransform, PositiveDefiniteTransform } from './matrix.js';
import { CorrCholeskyTransform, StickBreakingTransform } from './stick-breaking.js';
import { ComposeTransform, type Transform, describe, identityTransform } from './transform.js';

/** A constraint class (a Constraint subclass, or Constraint itself). */
export type ConstraintClass = abstract new (...args: never[]) => Constraint;
/** Makes the transform for one constraint of the class it is registered for. */
export type TransformFactory<C extends Constraint = Constraint> = (constraint: C) => Transform;

/** A table from constraint classes to transform factories (PyTorch's ConstraintRegistry): call it on a constraint. */
export interface ConstraintRegistry {
  /** The transform from unconstrained reals onto `constraint`'s set. */
  (constraint: Constraint): Transform;
  /**
   * Registers `factory` for a Constraint subclass, for an instance's class (PyTorch's rule), or,
   * for a plain Constraint instance (real, simplex, one made with new Constraint), for that
   * instance; replaces any before; returns factory.
   */
  register<C extends Constraint>(constraint: C | (abstract new (...args: never[]) => C), factory: TransformFactory<C>): TransformFactory<C>;
}

function makeRegistry(name: 'bijectTo' | 'transformTo', other: () => ConstraintRegistry): ConstraintRegistry & { has(c: Constraint): boolean } {
  const table = new Map<ConstraintClass, TransformFactory>();
  const instances = new Map<Constraint, TransformFactory>();
  const isPlain = (c: Constraint): boolean => c.constructor === Constraint;
  const lookup = (c: Constraint): TransformFactory | undefined => {
    const own = instances.get(c);
    if (own) return own;
    for (let proto = Object.getPrototypeOf(c); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      const f = table.get(proto.constructor as ConstraintClass);
      if (f) return f;
    }
    return undefined;
  };
  // Note [arity guard]: bijectTo(c, extra) refused rather than the extra dropped.
  const registry = guardArity(name, (constraint: Constraint): Transform => {
    if (!(constraint instanceof Constraint)) throw new ValueError(`${name}: constraint expected a Constraint (D.constraints.positive, a distribution's support …), got ${describe(constraint)}`);
    const factory = lookup(constraint);
    if (!factory) {
      const hint = (other() as ConstraintRegistry & { has(c: Constraint): boolean }).has(constraint)
        ? `; ${name === 'bijectTo' ? 'transformTo' : 'bijectTo'} has one${name === 'bijectTo' ? ', not bijective' : ''}`
        : '';
      const what = isPlain(constraint) ? 'this constraint' : `its class ${constraint.constructor.name}`;
      throw new ValueError(`${name}: cannot transform ${constraint.name} constraints (none registered for ${what}${hint}); register one with ${name}.register(constraint, factory)`);
    }
    return factory(constraint);
  }) as ConstraintRegistry & { has(c: Constraint): boolean };
  registry.register = guardArity(`${name}.register`, <C extends Constraint>(constraint: C | (abstract new (...args: never[]) => C), factory: TransformFactory<C>): TransformFactory<C> => {
    if (constraint instanceof Constraint && isPlain(constraint)) {
      if (typeof factory !== 'function') throw new ValueError(`${name}.register: factory expected a function (constraint) => Transform, got ${describe(factory)}`);
      instances.set(constraint, factory as TransformFactory);
      return factory;
    }
    const cls =
      constraint instanceof Constraint ? (constraint.constructor as ConstraintClass)
      : typeof constraint === 'function' && ((constraint as unknown) === Constraint || constraint.prototype instanceof Constraint) ? (constraint as ConstraintClass)
      : undefined;
    if (!cls) throw new ValueError(`${name}.register: constraint expected a Constraint subclass or instance, got ${describe(constraint)}`);
    if (typeof factory !== 'function') throw new ValueError(`${name}.register: factory expected a function (constraint) => Transform, got ${describe(factory)}`);
    table.set(cls, factory as TransformFactory);
    return factory;
  });
  registry.has = (c: Constraint) => lookup(c) !== undefined;
  return registry;
}

/** The bijective transform from unconstrained reals onto a constraint's set (PyTorch's biject_to). */
export const bijectTo: ConstraintRegistry = makeRegistry('bijectTo', () => transformTo);
/** A transform from unconstrained reals onto a constraint's set, not necessarily bijective (PyTorch's transform_to). */
export const transformTo: ConstraintRegistry = makeRegistry('transformTo', () => bijectTo);

// PyTorch's registration table.

for (const registry of [bijectTo, transformTo]) {
  registry.register(real, () => identityTransform);
  registry.register(IndependentConstraint, (c: IndependentConstraint) => new IndependentTransform(registry(c.baseConstraint), c.reinterpretedBatchNdims));
  const aboveBound = (c: GreaterThan | GreaterThanEq): Transform => (c.lowerBound === 0 ? new ExpTransform() : new ComposeTransform([new ExpTransform(), new AffineTransform(c.lowerBound, 1)]));
  registry.register(GreaterThan, aboveBound);
  registry.register(GreaterThanEq, aboveBound);
  registry.register(LessThan, (c: LessThan) => new ComposeTransform([new ExpTransform(), new AffineTransform(c.upperBound, -1)]));
  const inside = (c: Interval | HalfOpenInterval): Transform => {
    if (c.lowerBound === 0 && c.upperBound === 1) return new SigmoidTransform();
    const { lowerBound: lo, upperBound: hi } = c;
    const scale = typeof lo === 'number' && typeof hi === 'number' ? hi - lo : sub(hi, lo);
    return new ComposeTransform([new SigmoidTransform(), new AffineTransform(lo, scale)]);
  };
  registry.register(Interval, inside);
  registry.register(HalfOpenInterval, inside);
  registry.register(corrCholesky, () => new CorrCholeskyTransform());
  registry.register(CatConstraint, (c: CatConstraint) => new CatTransform(c.parts.map((p) => registry(p)), c.dim, c.lengths));
  registry.register(StackConstraint, (c: StackConstraint) => new StackTransform(c.parts.map((p) => registry(p)), c.dim));
}
bijectTo.register(simplex, () => new StickBreakingTransform());
transformTo.register(simplex, () => new SoftmaxTransform());
// PyTorch has no bijection onto these (its TODO): transformTo only.
transformTo.register(lowerCholesky, () => new LowerCholeskyTransform());
transformTo.register(positiveDefinite, () => new PositiveDefiniteTransform());
transformTo.register(positiveSemidefinite, () => new PositiveDefiniteTransform());
