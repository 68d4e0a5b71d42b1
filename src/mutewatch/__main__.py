from mutewatch.cli import main

main()
