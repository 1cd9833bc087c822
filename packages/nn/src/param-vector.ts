// torch.nn.utils.parameters_to_vector / vector_to_parameters: all parameters as one flat vector
// and back (RL's trust-region and evolution methods, weight averaging by hand, Hessian-free steps).
import { ShapeError, ValueError, cat, copyInto, isTensor, noGrad, reshape, scope, type Tensor } from '@nutshell/tensor';

function parameterList(fn: string, parameters: Iterable<Tensor>): Tensor[] {
  if (parameters === null || typeof (parameters as Iterable<Tensor>)?.[Symbol.iterator] !== 'function') {
    throw new ValueError(`${fn}: parameters expected an iterable of tensors (model.parameters()), got ${parameters === null ? 'null' : typeof parameters}`);
  }
  const list = [...parameters];
  list.forEach((p, i) => {
    if (!isTensor(p)) throw new ValueError(`${fn}: parameter ${i} expected a Tensor, got ${p === null ? 'null' : typeof p}`);
  });
  return list;
}

/** The parameters flattened and joined in order, a vector with a graph to each (parameters_to_vector). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const list = parameterList('parametersToVector', parameters);
  if (list.length === 0) throw new ValueError('parametersToVector: expected at least one parameter');
  return scope(() => cat(list.map((p) => reshape(p, [-1])), 0));
}

/** Copies consecutive slices of `vector` into the parameters, in order (vector_to_parameters); outside autograd. */
export function vectorToParameters(vector: Tensor, parameters: Iterable<Tensor>): void {
  if (!isTensor(vector) || vector.ndim !== 1) throw new ShapeError(`vectorToParameters: vector expected a 1-D tensor, got ${isTensor(vector) ? `shape [${vector.shape.join(',')}]` : typeof vector}`);
  const list = parameterList('vectorToParameters', parameters);
  const total = list.reduce((n, p) => n + p.numel, 0);
  if (vector.shape[0] !== total) throw new ShapeError(`vectorToParameters: vector has ${vector.shape[0]} elements but the parameters hold ${total}`);
  noGrad(() =>
    scope(() => {
      let offset = 0;
      for (const p of list) {
        copyInto(p, reshape(vector.narrow(0, offset, p.numel), p.shape));
        offset += p.numel;
      }
    }),
  );
}
