using Loyalty.Local;

LocalApp.Create(args).Run();
