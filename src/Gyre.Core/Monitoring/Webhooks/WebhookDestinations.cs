using System.Net;
using System.Net.Sockets;
using Gyre.Core.Errors;

namespace Gyre.Core.Monitoring.Webhooks;

/// <summary>
/// Where a webhook may connect. By default only public addresses: a policy's author must not be able
/// to make the server call itself, its neighbours on a private network or a cloud's metadata service
/// (169.254.169.254). The check is made on each address a name resolves to, at connection time, so
/// a name that resolves to a public address once and to a private one later (DNS rebinding) gains
/// nothing. The allowlist opens networks, addresses or host names.
/// </summary>
public sealed class WebhookDestinations
{
    private static readonly IPNetwork[] NotPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    private readonly IReadOnlyList<IPNetwork> _networks;
    private readonly IReadOnlySet<string> _hosts;

    private WebhookDestinations(IReadOnlyList<IPNetwork> networks, IReadOnlySet<string> hosts)
    {
        _networks = networks;
        _hosts = hosts;
    }

    /// <summary>Reads the allowlist; invalid_argument naming every entry that is neither an address, a network nor a host name.</summary>
    public static WebhookDestinations Parse(IEnumerable<string> allow)
    {
        var networks = new List<IPNetwork>();
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var entry in allow.Select(a => a.Trim()))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry.Trim('[', ']'), out var address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else if (Uri.CheckHostName(entry) == UriHostNameType.Dns)
            {
                hosts.Add(entry);
            }
            else
            {
                problems.Add($"webhook_allow: '{entry}' is not an address, a network (10.0.0.0/8) or a host name");
            }
        }
        GyreException.ThrowIfAny(problems);
        return new WebhookDestinations(networks, hosts);
    }

    /// <summary>Whether a webhook to <paramref name="host"/> may connect to <paramref name="address"/>, one of the addresses it resolved to.</summary>
    public bool Allows(string host, IPAddress address)
    {
        if (_hosts.Contains(host.Trim('[', ']')))
        {
            return true;
        }
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(n => n.Contains(plain)) || IsPublic(plain);
    }

    private static bool IsPublic(IPAddress address)
    {
        if (Nat64.Contains(address))
        {
            // A NAT64 address reaches the IPv4 address in its last 32 bits.
            return IsPublic(new IPAddress(address.GetAddressBytes()[12..]));
        }
        return !NotPublic.Where(n => n.BaseAddress.AddressFamily == address.AddressFamily).Any(n => n.Contains(address));
    }
}
