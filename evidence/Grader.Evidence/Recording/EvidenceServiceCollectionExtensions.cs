using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Evidence.Recording;

public static class EvidenceServiceCollectionExtensions
{
    /// <summary>Binds <see cref="EvidenceOptions"/> from its section; the one place that does.</summary>
    public static IServiceCollection AddEvidenceOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<EvidenceOptions>().Bind(configuration.GetSection(EvidenceOptions.SectionName)).ValidateOnStart();
        return services;
    }
}
