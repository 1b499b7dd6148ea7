export PS1="plant-gw# "
