from kamcli.cli.main import main

main()
