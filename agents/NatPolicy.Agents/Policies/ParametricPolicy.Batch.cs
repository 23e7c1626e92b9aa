namespace NatPolicy.Agents.Policies;

public abstract partial class ParametricPolicy
{
    /// <summary>A batch that runs the feature map's batch calls (<see cref="IFeatureMap.ForwardBatch"/> …) on the loaded rows.</summary>
    public PolicyBatch CreateBatch(int capacity) => new Batch(this, capacity);

    /// <summary>
    /// The feature-map-plus-head batch: <see cref="IFeatureMap.LoadBatch"/> once per load (random features computed
    /// there), then z = f_θ(s_r) of all rows by one <see cref="IFeatureMap.ForwardBatch"/> per θ. The outputs are kept
    /// for two θ: the first θ evaluated after a load (the iteration's θ_old: gradient, entropy, Fisher products) and
    /// the latest other one (a line-search candidate, the accepted θ); θ is compared bit for bit, so a call at a kept θ
    /// runs no forward pass. Fisher-vector products and gradients differentiate through the map's batch calls at
    /// that θ (re-running its ForwardBatch first when the map last ran at the other θ). Each row's z has the bits of
    /// <see cref="IFeatureMap.Forward"/>; products and gradients have the row-by-row bits when the map's batch calls
    /// do (linear and random-Fourier maps).
    /// </summary>
    private sealed class Batch : PolicyBatch
    {
        private const int None = -1;
        private readonly ParametricPolicy _policy;
        private readonly IFeatureMap _map;
        private readonly FeatureBatch _features;
        private readonly double[][] _z;      // two slots of count × K outputs
        private readonly double[][] _theta;  // the feature θ (length P_f) of each slot
        private readonly bool[] _valid = new bool[2];
        private int _mapAt = None;           // the slot whose θ the map's batch caches belong to
        private readonly double[][] _headState; // two slots of count × K: the head's Fisher state at the slot's θ
        private readonly bool[] _headStateValid = new bool[2];
        private readonly double[] _dz;       // count × K
        private readonly double[] _u;        // count × K
        private readonly double[] _headScores; // count × H, ∂log π/∂(head params) per row
        private readonly double[] _weights;  // count
        private readonly double[] _headScratch;

        public Batch(ParametricPolicy policy, int capacity) : base(policy, capacity)
        {
            _policy = policy;
            _map = policy.FeatureMap;
            _features = _map.CreateBatch(capacity);
            int k = policy.OutputDimension, pf = policy.FeatureParameterCount, h = policy.HeadParameterCount;
            _z = [new double[capacity * k], new double[capacity * k]];
            _theta = [new double[pf], new double[pf]];
            _headState = [new double[capacity * k], new double[capacity * k]];
            _dz = new double[capacity * k];
            _u = new double[capacity * k];
            _headScores = new double[capacity * h];
            _weights = new double[capacity];
            _headScratch = new double[h];
        }

        private int K => _policy.OutputDimension;
        private int Pf => _policy.FeatureParameterCount;

        public override void Load(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, int count)
        {
            base.Load(observations, actions, count);
            _map.LoadBatch(_features, Observations, count);
            _valid[0] = _valid[1] = false;
            _headStateValid[0] = _headStateValid[1] = false;
            _mapAt = None;
        }

        /// <summary>
        /// The outputs z (count × K) at θ, from a kept slot or one ForwardBatch; with <paramref name="differentiate"/>
        /// the map's batch caches are at θ afterwards. <paramref name="keep"/> is a slot the caller still reads.
        /// </summary>
        private int Outputs(ReadOnlySpan<double> theta, bool differentiate, int keep = None)
        {
            if (Count == 0) throw new InvalidOperationException("no rows loaded: call Load first.");
            if (theta.Length != _policy.ParameterCount)
                throw new ArgumentException($"theta has length {theta.Length}; this policy has {_policy.ParameterCount} parameters.", nameof(theta));
            ReadOnlySpan<double> ft = theta[..Pf];
            int slot = None;
            for (int s = 0; s < 2 && slot == None; s++)
                if (_valid[s] && SameBits(ft, _theta[s])) slot = s;
            if (slot != None)
            {
                if (differentiate && _mapAt != slot) Forward(ft, slot);
                return slot;
            }
            // A new θ: the first after a load takes slot 0 and keeps it; later ones take slot 1 (slot 0 only when
            // the caller still reads slot 1).
            slot = !_valid[0] || keep == 1 ? 0 : 1;
            ft.CopyTo(_theta[slot]);
            _valid[slot] = true;
            _headStateValid[slot] = false;
            Forward(ft, slot);
            return slot;
        }

        private void Forward(ReadOnlySpan<double> featureTheta, int slot)
        {
            _map.ForwardBatch(featureTheta, _features, _z[slot].AsSpan(0, Count * K));
            _mapAt = slot;
        }

        private ReadOnlySpan<double> Z(int slot, int r) => _z[slot].AsSpan(r * K, K);

        /// <summary>The head's Fisher state of every row at the slot's θ (count × K), computed at its first product.</summary>
        private ReadOnlySpan<double> HeadFisherStates(int slot)
        {
            int k = K, count = Count;
            double[] state = _headState[slot];
            if (!_headStateValid[slot])
            {
                for (int r = 0; r < count; r++) _policy.HeadFisherState(Z(slot, r), state.AsSpan(r * k, k));
                _headStateValid[slot] = true;
            }
            return state.AsSpan(0, count * k);
        }

        public override void ScoreSums(ReadOnlySpan<double> theta, ReadOnlySpan<double> weights, int groups, Span<double> sums)
        {
            RequireActions();
            int p = _policy.ParameterCount, pf = Pf, h = _policy.HeadParameterCount, k = K, count = Count;
            CheckGroups(groups, sums.Length, p);
            int slot = Outputs(theta, differentiate: true);
            ReadOnlySpan<double> head = theta[pf..];
            // Per row: ∂log π/∂z and the head parameters' score, each with weight 1 (the row's own score).
            for (int r = 0; r < count; r++)
            {
                _headScratch.AsSpan().Clear();
                _policy.ScoreHead(Z(slot, r), head, Action(r), 1.0, _dz.AsSpan(r * k, k), _headScratch);
                _headScratch.CopyTo(_headScores.AsSpan(r * h, h));
            }
            sums[..(groups * p)].Clear();
            for (int g = 0; g < groups; g++)
            {
                for (int r = 0; r < count; r++) _weights[r] = r % groups == g ? weights[r] / count : 0;
                Span<double> sum = sums.Slice(g * p, p);
                _map.WeightedVjpBatch(theta[..pf], _features, _dz.AsSpan(0, count * k), _weights.AsSpan(0, count), sum[..pf]);
                Span<double> headSum = sum[pf..];
                for (int r = g; r < count; r += groups)
                {
                    double w = _weights[r];
                    ReadOnlySpan<double> hs = _headScores.AsSpan(r * h, h);
                    for (int j = 0; j < h; j++) headSum[j] += w * hs[j];
                }
            }
        }

        public override void LogProbs(ReadOnlySpan<double> theta, Span<double> logProbs)
        {
            RequireActions();
            int slot = Outputs(theta, differentiate: false);
            ReadOnlySpan<double> head = theta[Pf..];
            for (int r = 0; r < Count; r++) logProbs[r] = _policy.LogProbHead(Z(slot, r), head, Action(r));
        }

        public override double MeanEntropy(ReadOnlySpan<double> theta)
        {
            int slot = Outputs(theta, differentiate: false);
            ReadOnlySpan<double> head = theta[Pf..];
            double sum = 0;
            for (int r = 0; r < Count; r++) sum += _policy.EntropyHead(Z(slot, r), head);
            return sum / Count;
        }

        public override double MeanKl(ReadOnlySpan<double> thetaA, ReadOnlySpan<double> thetaB)
        {
            int a = Outputs(thetaA, differentiate: false);
            int b = Outputs(thetaB, differentiate: false, keep: a);
            ReadOnlySpan<double> headA = thetaA[Pf..], headB = thetaB[Pf..];
            double sum = 0;
            for (int r = 0; r < Count; r++) sum += _policy.KlHead(Z(a, r), headA, Z(b, r), headB);
            return sum / Count;
        }

        /// <summary>
        /// F v = (1/count) Σ_r (J_rᵀ M_r J_r v + 2 v on log-std entries): one JvpBatch, the head's Fisher per row, one
        /// VjpBatch at the kept forward pass; summed as <see cref="IDifferentiablePolicy.AddFisherVectorProduct"/> row by row.
        /// What M_r needs of z_r (softmax: the probabilities) is kept with the slot, so CG's products at one θ compute it once.
        /// </summary>
        public override void FisherVectorProduct(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> result)
        {
            int p = _policy.ParameterCount, pf = Pf, k = K, count = Count;
            int slot = Outputs(theta, differentiate: true);
            ReadOnlySpan<double> ft = theta[..pf], head = theta[pf..], state = HeadFisherStates(slot);
            Span<double> dz = _dz.AsSpan(0, count * k), u = _u.AsSpan(0, count * k);
            _map.JvpBatch(ft, _features, v[..pf], dz);
            double scale = 1.0 / count;
            for (int r = 0; r < count; r++)
            {
                Span<double> ur = u.Slice(r * k, k);
                _policy.ApplyHeadFisher(state.Slice(r * k, k), head, dz.Slice(r * k, k), ur);
                for (int j = 0; j < k; j++) ur[j] *= scale;
            }
            result[..p].Clear();
            _map.VjpBatch(ft, _features, u, result[..pf]);
            double hf = scale * _policy.HeadParameterFisher;
            if (pf == p) return;
            for (int r = 0; r < count; r++)
                for (int i = pf; i < p; i++) result[i] += hf * v[i];
        }
    }
}
