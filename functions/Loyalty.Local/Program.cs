using Loyalty.Local;

if (args is ["audit", .. var rest])
{
    return await AuditCommand.RunAsync(rest, Console.Out);
}

LocalApp.Create(args).Run();
return 0;
