// Namespaces nearly every slice uses: the store, the endpoints, the error shape and access rules.
global using Marten;
global using Microsoft.AspNetCore.Authorization;
global using Microsoft.AspNetCore.Mvc;
global using OvopQuality.Api.Access;
global using OvopQuality.Api.Infrastructure;
global using Wolverine.Http;
