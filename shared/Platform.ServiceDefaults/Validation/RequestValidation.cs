using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults.Validation;

public static class RequestValidation
{
    /// <summary>
    /// Validates the endpoint's <typeparamref name="TRequest"/> argument (its body) with the registered validator before
    /// the handler runs, answering 422 with the failing fields. For endpoints whose first step is that validation;
    /// those that check who may act first, or validate something built from several parts, call the validator
    /// themselves.
    /// </summary>
    public static RouteHandlerBuilder ValidateRequest<TRequest>(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var request = context.Arguments.OfType<TRequest>().Single();
            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<TRequest>>();
            var validation = await validator.ValidateAsync(request, context.HttpContext.RequestAborted);
            return validation.IsValid ? await next(context) : Problems.Problems.Validation(validation);
        });
}
