// Note [PyTorch spellings] (tensor package) on modules: model.state_dict() is refused naming ours.
import { describe, expect, it } from 'vitest';
import { Embedding, LSTM, Linear, Module, Sequential } from '../src/index.js';

describe('PyTorch spellings on modules', () => {
  it('state_dict, load_state_dict, named_parameters, zero_grad, from_pretrained name ours', () => {
    const m = new Sequential(new Linear(2, 3)) as unknown as Record<string, unknown>;
    expect(() => m.state_dict).toThrowError(/^Sequential\.state_dict: this API spells it stateDict$/);
    expect(() => m.load_state_dict).toThrowError(/spells it loadStateDict/);
    expect(() => m.named_parameters).toThrowError(/spells it namedParameters/);
    expect(() => m.zero_grad).toThrowError(/spells it zeroGrad/);
    expect(() => (new LSTM(2, 3) as unknown as Record<string, unknown>).requires_grad_).toThrowError(/^LSTM\.requires_grad_: this API spells it requiresGrad_$/);
    expect(() => (Embedding as unknown as Record<string, unknown>).from_pretrained).toThrowError(/^Embedding\.from_pretrained: this API spells it fromPretrained$/);
    // Ported RNN code calls flatten_parameters(); ours is a no-op (user trial AE).
    const lstm = new LSTM(2, 3);
    expect(lstm.flattenParameters()).toBeUndefined();
    expect(() => (lstm as unknown as Record<string, unknown>).flatten_parameters).toThrowError(/^LSTM\.flatten_parameters: this API spells it flattenParameters$/);
  });

  it("a module's own snake_case fields are ordinary properties", () => {
    class Net extends Module {
      hidden_size = 4;
      constructor() {
        super();
        (this as unknown as Record<string, number>).zero_grad = 1; // an odd name, but the user's to choose
      }
    }
    const n = new Net() as unknown as Record<string, unknown>;
    expect(n.hidden_size).toBe(4);
    expect(n.zero_grad).toBe(1);
  });
});
