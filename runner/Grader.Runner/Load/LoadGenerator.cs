using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Grader.Rubrics.Model;
using HdrHistogram;

namespace Grader.Runner.Load;

/// <summary>
/// An HTTP load generator: closed loop (N workers, each sending when its last request answered) or open
/// loop (a fixed rate on a schedule; latency counted from each request's intended send time, so a stalling
/// service's queueing shows instead of being hidden by the generator waiting with it). A warm-up phase is
/// run and discarded, then <see cref="LoadProfile.Repetitions"/> measured phases. Latencies are recorded in
/// microseconds in HdrHistograms, cut into windows whose p95s are the samples baselines compare.
/// </summary>
/// <remarks>
/// One <see cref="SocketsHttpHandler"/> serves every request; bodies are drained into a buffer reused per
/// worker; recording is a wait-free <see cref="Recorder"/>. The run is bounded: by the profile's limits,
/// the request timeout, and the caller's cancellation.
/// </remarks>
public sealed class LoadGenerator : IDisposable
{
    /// <summary>Highest latency recorded (one hour, in microseconds); larger values are clamped to it.</summary>
    internal const long HighestTrackableMicros = 3_600_000_000;

    private static readonly TimeSpan SpinThreshold = TimeSpan.FromMilliseconds(1);

    private readonly LoadProfile _profile;
    private readonly HttpMessageInvoker _invoker;
    private readonly Recorder _recorder;
    private readonly KeyValuePair<string, string>[] _requestHeaders;
    private readonly KeyValuePair<string, string>[] _contentHeaders;
    private long _succeeded;
    private long _statusErrors;
    private long _timeouts;
    private long _connectionErrors;
    private long _issued;

    public LoadGenerator(LoadProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        profile.Validate();
        _profile = profile;
        _invoker = new HttpMessageInvoker(CreateHandler(profile), disposeHandler: true);
        _recorder = new Recorder(1, HighestTrackableMicros, 3, (id, low, high, digits) => new LongConcurrentHistogram(id, low, high, digits));
        var contentHeaderNames = new HashSet<string>(["Content-Type", "Content-Encoding", "Content-Language", "Content-MD5", "Content-Disposition", "Content-Range", "Expires", "Last-Modified", "Allow"], StringComparer.OrdinalIgnoreCase);
        _contentHeaders = [.. profile.Headers.Where(h => contentHeaderNames.Contains(h.Key) && profile.Body is not null)];
        _requestHeaders = [.. profile.Headers.Where(h => !contentHeaderNames.Contains(h.Key))];
    }

    /// <summary>Closed loop: one connection per worker. Open loop: as many connections as requests may be in flight, so the generator never queues what an independent client would have sent.</summary>
    private static SocketsHttpHandler CreateHandler(LoadProfile profile) => new()
    {
        MaxConnectionsPerServer = profile.Mode == LoadMode.Closed ? profile.Concurrency : profile.MaxInFlight,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        ConnectTimeout = profile.RequestTimeout,
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
    };

    public async Task<LoadRunResult> RunAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (_profile.Warmup > TimeSpan.Zero)
        {
            progress?.Report("load: warm-up");
            await RunPhaseAsync(0, _profile.Warmup, cancellationToken).ConfigureAwait(false);
        }

        var repetitions = new List<LoadRepetition>(_profile.Repetitions);
        HistogramBase? overall = null;
        for (var number = 1; number <= _profile.Repetitions; number++)
        {
            progress?.Report($"load: repetition {number}/{_profile.Repetitions}");
            var (repetition, histogram) = await RunPhaseAsync(number, _profile.Duration, cancellationToken).ConfigureAwait(false);
            repetitions.Add(repetition);
            if (overall is null) overall = histogram;
            else overall.Add(histogram);
        }

        var counts = RequestCounts.Sum(repetitions.Select(r => r.Counts));
        var elapsed = repetitions.Sum(r => r.Elapsed.TotalSeconds);
        return new LoadRunResult(
            _profile,
            repetitions,
            counts,
            LatencySummary.From(overall!),
            elapsed > 0 ? counts.Succeeded / elapsed : 0,
            Statistics.SampleStatistics.CoefficientOfVariation([.. repetitions.Select(r => r.Latency.P95Ms).Where(double.IsFinite)]),
            Statistics.SampleStatistics.CoefficientOfVariation([.. repetitions.Select(r => r.Throughput)]));
    }

    private async Task<(LoadRepetition Repetition, HistogramBase Histogram)> RunPhaseAsync(int number, TimeSpan duration, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _succeeded, 0);
        Interlocked.Exchange(ref _statusErrors, 0);
        Interlocked.Exchange(ref _timeouts, 0);
        Interlocked.Exchange(ref _connectionErrors, 0);
        Interlocked.Exchange(ref _issued, 0);
        _recorder.Reset();

        var windows = new List<(HistogramBase Histogram, TimeSpan Length)>();
        var start = Stopwatch.GetTimestamp();
        var sampler = new PeriodicTimer(_profile.EffectiveWindow);
        var sampling = SampleWindowsAsync(sampler, windows, start);
        OpenLoopPacing? pacing;
        try
        {
            pacing = _profile.Mode == LoadMode.Closed
                ? await RunClosedAsync(start, duration, cancellationToken).ConfigureAwait(false)
                : await RunOpenAsync(start, duration, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Disposing ends the sampler's wait; the last, partial window is read below.
            sampler.Dispose();
        }

        var lastSample = await sampling.ConfigureAwait(false);
        var end = Stopwatch.GetTimestamp();
        windows.Add((_recorder.GetIntervalHistogram(), Stopwatch.GetElapsedTime(lastSample, end)));
        var elapsed = Stopwatch.GetElapsedTime(start, end);

        var histogram = windows[0].Histogram;
        foreach (var (window, _) in windows.Skip(1)) histogram.Add(window);
        var fullWindows = windows.Where(w => w.Length >= _profile.EffectiveWindow / 2 && w.Histogram.TotalCount > 0).ToList();
        var counts = new RequestCounts(Interlocked.Read(ref _succeeded), Interlocked.Read(ref _statusErrors), Interlocked.Read(ref _timeouts), Interlocked.Read(ref _connectionErrors));
        var repetition = new LoadRepetition(
            number,
            elapsed,
            counts,
            LatencySummary.From(histogram),
            counts.Succeeded / elapsed.TotalSeconds,
            [.. fullWindows.Select(w => w.Histogram.GetValueAtPercentile(95) / 1000.0)],
            [.. fullWindows.Select(w => w.Histogram.TotalCount / w.Length.TotalSeconds)],
            pacing);
        return (repetition, histogram);
    }

    /// <returns>When the last window was cut.</returns>
    private async Task<long> SampleWindowsAsync(PeriodicTimer timer, List<(HistogramBase, TimeSpan)> windows, long start)
    {
        var previous = start;
        while (await timer.WaitForNextTickAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var now = Stopwatch.GetTimestamp();
            windows.Add((_recorder.GetIntervalHistogram(), Stopwatch.GetElapsedTime(previous, now)));
            previous = now;
        }

        return previous;
    }

    private async Task<OpenLoopPacing?> RunClosedAsync(long start, TimeSpan duration, CancellationToken cancellationToken)
    {
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = new Task[_profile.Concurrency];
        for (var i = 0; i < workers.Length; i++) workers[i] = ClosedWorkerAsync(deadline, cancellationToken);
        await Task.WhenAll(workers).ConfigureAwait(false);
        return null;
    }

    private async Task ClosedWorkerAsync(long deadline, CancellationToken cancellationToken)
    {
        // Leave the caller's synchronous context so the workers run in parallel from the start.
        await Task.Yield();
        var buffer = new byte[16 * 1024];
        while (Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref _issued) <= _profile.MaxRequestsPerRepetition)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await SendAndRecordAsync(Stopwatch.GetTimestamp(), buffer, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class OpenLoopState(int maxInFlight) : IDisposable
    {
        public readonly SemaphoreSlim Slots = new(maxInFlight, maxInFlight);
        public readonly TaskCompletionSource Drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Requests in flight, plus one held by the scheduler until it has sent the last.</summary>
        public int Outstanding = 1;

        public void Release()
        {
            if (Interlocked.Decrement(ref Outstanding) == 0) Drained.TrySetResult();
        }

        public void Dispose() => Slots.Dispose();
    }

    private async Task<OpenLoopPacing?> RunOpenAsync(long start, TimeSpan duration, CancellationToken cancellationToken)
    {
        var rate = _profile.Rate!.Value;
        var total = Math.Min((long)Math.Floor(duration.TotalSeconds * rate), _profile.MaxRequestsPerRepetition);
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var sendLag = new LongHistogram(HighestTrackableMicros, 2);
        using var state = new OpenLoopState(_profile.MaxInFlight);
        long inFlightLimitHits = 0;
        long lastSend = start;
        for (long i = 0; i < total; i++)
        {
            var intended = start + (long)(i * ticksPerRequest);
            await WaitUntilAsync(intended, cancellationToken).ConfigureAwait(false);
            if (!state.Slots.Wait(0))
            {
                inFlightLimitHits++;
                await state.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            lastSend = Stopwatch.GetTimestamp();
            sendLag.RecordValue(ToMicros(lastSend - intended));
            Interlocked.Increment(ref state.Outstanding);
            _ = OpenRequestAsync(intended, state, cancellationToken);
        }

        state.Release();
        await state.Drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);

        var sendSpan = Math.Max(duration.TotalSeconds, Stopwatch.GetElapsedTime(start, lastSend).TotalSeconds + (1 / rate));
        var achieved = total / sendSpan;
        var lagP99 = sendLag.TotalCount == 0 ? 0 : sendLag.GetValueAtPercentile(99) / 1000.0;
        var fellBehind = achieved < 0.95 * rate || lagP99 > 10;
        return new OpenLoopPacing(rate, achieved, lagP99, sendLag.TotalCount == 0 ? 0 : sendLag.GetMaxValue() / 1000.0, inFlightLimitHits, fellBehind);
    }

    private async Task OpenRequestAsync(long intended, OpenLoopState state, CancellationToken cancellationToken)
    {
        try
        {
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                await SendAndRecordAsync(intended, buffer, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        finally
        {
            state.Slots.Release();
            state.Release();
        }
    }

    /// <summary>Waits on the timer for most of the gap and spins the last millisecond, so sends are neither early nor a timer tick late.</summary>
    private static async Task WaitUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (remaining > SpinThreshold) await Task.Delay(remaining - SpinThreshold, cancellationToken).ConfigureAwait(false);
        var spinner = default(SpinWait);
        while (Stopwatch.GetTimestamp() < timestamp) spinner.SpinOnce(sleep1Threshold: -1);
    }

    private enum Outcome
    {
        Succeeded,
        StatusError,
        Timeout,
        ConnectionError,
    }

    /// <param name="measuredFrom">When the latency clock starts: the send (closed loop) or the intended send (open loop).</param>
    private async Task SendAndRecordAsync(long measuredFrom, byte[] buffer, CancellationToken cancellationToken)
    {
        Outcome outcome;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_profile.RequestTimeout);
            try
            {
                using var request = CreateRequest();
                using var response = await _invoker.SendAsync(request, timeout.Token).ConfigureAwait(false);
                var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    while (await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false) > 0)
                    {
                        // Drain the body: the response is not complete until it is read.
                    }
                }

                outcome = response.IsSuccessStatusCode ? Outcome.Succeeded : Outcome.StatusError;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = Outcome.Timeout;
            }
            catch (HttpRequestException)
            {
                outcome = Outcome.ConnectionError;
            }
            catch (IOException)
            {
                outcome = Outcome.ConnectionError;
            }
        }

        var latency = ToMicros(Stopwatch.GetTimestamp() - measuredFrom);
        switch (outcome)
        {
            case Outcome.Succeeded: Interlocked.Increment(ref _succeeded); break;
            case Outcome.StatusError: Interlocked.Increment(ref _statusErrors); break;
            case Outcome.Timeout: Interlocked.Increment(ref _timeouts); break;
            default: Interlocked.Increment(ref _connectionErrors); break;
        }

        // A refused connection answers in microseconds: recording it would flatter the latency.
        if (outcome != Outcome.ConnectionError) _recorder.RecordValue(latency);
    }

    private HttpRequestMessage CreateRequest()
    {
        var request = new HttpRequestMessage(_profile.Method, _profile.Target) { Version = HttpVersion.Version11 };
        foreach (var (name, value) in _requestHeaders) request.Headers.TryAddWithoutValidation(name, value);
        if (_profile.Body is { } body)
        {
            var content = new ByteArrayContent(body);
            foreach (var (name, value) in _contentHeaders) content.Headers.TryAddWithoutValidation(name, value);
            if (content.Headers.ContentType is null && _contentHeaders.Length == 0) content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            request.Content = content;
        }

        return request;
    }

    private static long ToMicros(long stopwatchTicks) =>
        Math.Clamp(stopwatchTicks * 1_000_000 / Stopwatch.Frequency, 1, HighestTrackableMicros);

    public void Dispose()
    {
        _invoker.Dispose();
    }
}
