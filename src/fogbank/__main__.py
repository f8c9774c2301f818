from fogbank.cli.main import main

main()
