// The matrix transforms (torch.distributions.transforms): LowerCholeskyTransform, from any square
// matrix onto lower-triangular ones with a positive diagonal, and PositiveDefiniteTransform, onto
// symmetric positive-definite ones (L·Lᵀ of that). Neither is bijective in PyTorch (no
// log-Jacobian, and neither here): transformTo maps lowerCholesky and positiveDefinite onto them.
import { ShapeError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../../ops/table/binary.js';
import { tril } from '../../ops/table/composed-ops.js';
import { diagonal } from '../../ops/table/composed-shape.js';
import { matmul } from '../../ops/table/linalg.js';
import { cholesky } from '../../ops/table/linalg-decomp.js';
import { diagEmbed } from '../../ops/table/linalg-norms.js';
import { transpose } from '../../ops/table/shape.js';
import { exp, log } from '../../ops/table/unary.js';
import { type Constraint, lowerCholesky, positiveDefinite, real } from './constraint.js';
import { Transform } from './transform.js';

const realMatrix = real.independent(2);

/** tril(x, −1) + diag(exp(diagonal(x))). */
const lowerCholeskyOf = (x: Tensor): Tensor => add(tril(x, -1), diagEmbed(exp(diagonal(x))));

/** Its inverse: tril(L, −1) + diag(log(diagonal(L))). */
const unconstrainedOf = (L: Tensor): Tensor => add(tril(L, -1), diagEmbed(log(diagonal(L))));

/** What both matrix transforms share: square real matrices in, refused at once otherwise. */
abstract class SquareMatrixTransform extends Transform {
  get domain(): Constraint {
    return realMatrix;
  }

  override equals(other: Transform): boolean {
    return other.constructor === this.constructor;
  }

  protected override checkInput(method: string, arg: string, t: unknown, constraint: Constraint): asserts t is Tensor {
    super.checkInput(method, arg, t, constraint);
    const s = (t as Tensor).shape;
    if (s[s.length - 1] !== s[s.length - 2]) throw new ShapeError(`${this.name}.${method}: ${arg} ${fmtShape(s)} expected square matrices [..., n, n]`);
  }
}

/** y = tril(x, −1) + diag(exp(diag x)): a Cholesky factor from any square matrix; its inverse takes log of the diagonal. */
export class LowerCholeskyTransform extends SquareMatrixTransform {
  get codomain(): Constraint {
    return lowerCholesky;
  }

  protected map(x: Tensor): Tensor {
    return lowerCholeskyOf(x);
  }

  protected override mapInverse(y: Tensor): Tensor {
    return unconstrainedOf(y);
  }
}

/** y = L·Lᵀ for L = LowerCholeskyTransform(x): a positive-definite matrix from any square one; its inverse factors y by cholesky. */
export class PositiveDefiniteTransform extends SquareMatrixTransform {
  get codomain(): Constraint {
    return positiveDefinite;
  }

  protected map(x: Tensor): Tensor {
    const L = lowerCholeskyOf(x);
    return matmul(L, transpose(L, -2, -1));
  }

  protected override mapInverse(y: Tensor): Tensor {
    return unconstrainedOf(cholesky(y));
  }
}
