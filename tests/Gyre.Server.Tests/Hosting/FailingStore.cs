using System.Reflection;

namespace Gyre.Server.Tests.Hosting;

/// <summary>
/// A store that behaves as the real one until <see cref="Armed"/>, then fails one of its methods:
/// the way a database that went away looks to the worker calling it.
/// </summary>
public class FailingStore<T> : DispatchProxy where T : class
{
    private T _inner = null!;
    private string _method = "";

    public bool Armed { get; set; }

    public static (T Store, FailingStore<T> Control) Wrap(T inner, string method)
    {
        var store = Create<T, FailingStore<T>>();
        var control = (FailingStore<T>)(object)store;
        control._inner = inner;
        control._method = method;
        return (store, control);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (Armed && targetMethod!.Name == _method)
        {
            throw new IOException($"the test's {typeof(T).Name} failed {_method}");
        }
        try
        {
            return targetMethod!.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
